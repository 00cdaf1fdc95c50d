import { onScopeDispose, ref } from 'vue'

/** A clock ref that ticks every `intervalMs`; the interval is cleared with the scope. */
export function useNow(intervalMs = 1000, clock: () => number = Date.now) {
  const now = ref(clock())
  const id = setInterval(() => {
    now.value = clock()
  }, intervalMs)
  onScopeDispose(() => clearInterval(id))
  return now
}
