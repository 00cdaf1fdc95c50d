import type { Ref } from 'vue'
import { onBeforeUnmount, onMounted } from 'vue'

export interface FocusOnMountOptions {
  /**
   * Focus in the task after the mount instead of during it. For screens that appear on a
   * call event (Connected, the wrap-up): `focus()` forces a style and layout pass right in the
   * task that also tells HubSpot, and the bench's CPU profile showed it there (~1.5 ms).
   */
  afterTask?: boolean
}

/**
 * Moves keyboard focus to `target` when a screen appears, so an agent working
 * from the keyboard (or a screen reader) lands on it instead of on the page body.
 */
export function useFocusOnMount(target: Ref<HTMLElement | null>, options: FocusOnMountOptions = {}): void {
  const focus = (): void => target.value?.focus({ preventScroll: true })
  let timer: ReturnType<typeof setTimeout> | undefined
  onMounted(() => {
    if (!options.afterTask) {
      focus()
      return
    }
    const before = document.activeElement
    // Focus that moved meanwhile (the agent, a dialog of this screen) is not taken back.
    timer = setTimeout(() => {
      if (document.activeElement === before)
        focus()
    }, 0)
  })
  onBeforeUnmount(() => clearTimeout(timer))
}
