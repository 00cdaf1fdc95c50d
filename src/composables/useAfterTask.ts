import type { Ref, WatchSource } from 'vue'
import { getCurrentScope, onScopeDispose, ref, watch } from 'vue'

/**
 * A ref that follows `source` one task behind: it starts at the source's value and takes
 * each change in the next macrotask (several changes in one task become one).
 *
 * Why: a postMessage to HubSpot's cross-process window reaches HubSpot only once the task
 * that sent it is over, and the call events (CALL_ENDED, CALL_ANSWERED) are sent from the
 * same task that changes the call's phase. Swapping whole screens (unmount one, mount and
 * focus another: ~3 ms in the bench's BYE → CALL_ENDED profile) one task later keeps that
 * work out of HubSpot's way; the stores themselves stay synchronous.
 */
export function useAfterTask<T>(source: WatchSource<T>): Readonly<Ref<T>> {
  const read = typeof source === 'function' ? source : () => source.value
  const shown = ref(read()) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, () => {
    if (timer !== undefined)
      return
    timer = setTimeout(() => {
      timer = undefined
      shown.value = read()
    }, 0)
  }, { flush: 'sync' })
  if (getCurrentScope())
    onScopeDispose(() => clearTimeout(timer))
  return shown
}
