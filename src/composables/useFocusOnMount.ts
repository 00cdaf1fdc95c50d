import type { Ref } from 'vue'
import { onMounted } from 'vue'

/**
 * Moves keyboard focus to `target` when a screen appears, so an agent working
 * from the keyboard (or a screen reader) lands on it instead of on the page body.
 */
export function useFocusOnMount(target: Ref<HTMLElement | null>): void {
  onMounted(() => target.value?.focus({ preventScroll: true }))
}
