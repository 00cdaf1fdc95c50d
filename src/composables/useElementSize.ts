import type { Ref } from 'vue'
import { onScopeDispose, watch } from 'vue'

export interface ElementSizeOptions {
  /**
   * While true, sizes are not passed on: the element shows a state it is about to leave (App.vue's
   * screen follows the call one task behind). When it turns false, the element's size then is passed
   * on once (measured after the DOM update) if any change was held back meanwhile.
   */
  holdWhile?: () => boolean
}

/** Calls `onSize` whenever the element's border box changes (px); stops on scope dispose. */
export function useElementSize(target: Ref<HTMLElement | null>, onSize: (width: number, height: number) => void, options: ElementSizeOptions = {}): void {
  if (typeof ResizeObserver === 'undefined')
    return
  const { holdWhile } = options
  let held = false
  const deliver = (width: number, height: number): void => {
    if (holdWhile?.()) {
      held = true
      return
    }
    held = false
    onSize(width, height)
  }
  const observer = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1]
    if (!entry)
      return
    const box = entry.borderBoxSize?.[0]
    if (box)
      deliver(box.inlineSize, box.blockSize)
    else
      deliver(entry.contentRect.width, entry.contentRect.height)
  })
  const stop = watch(target, (element, previous) => {
    if (previous)
      observer.unobserve(previous)
    if (element)
      observer.observe(element)
  }, { immediate: true })
  // The observer reports a change once: a size held back is measured again when the hold ends (it may not change again).
  const stopHold = holdWhile
    ? watch(holdWhile, (holding) => {
      const element = target.value
      if (holding || !held || !element)
        return
      held = false
      const rect = element.getBoundingClientRect()
      onSize(rect.width, rect.height)
    }, { flush: 'post' })
    : undefined
  onScopeDispose(() => {
    stop()
    stopHold?.()
    observer.disconnect()
  })
}
