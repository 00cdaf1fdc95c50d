import type { Ref } from 'vue'
import { onScopeDispose, watch } from 'vue'

/** Calls `onSize` whenever the element's border box changes; stops on scope dispose. */
export function useElementSize(target: Ref<HTMLElement | null>, onSize: (width: number, height: number) => void): void {
  if (typeof ResizeObserver === 'undefined')
    return
  const observer = new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1]
    if (!entry)
      return
    const box = entry.borderBoxSize?.[0]
    if (box)
      onSize(box.inlineSize, box.blockSize)
    else
      onSize(entry.contentRect.width, entry.contentRect.height)
  })
  const stop = watch(target, (element, previous) => {
    if (previous)
      observer.unobserve(previous)
    if (element)
      observer.observe(element)
  }, { immediate: true })
  onScopeDispose(() => {
    stop()
    observer.disconnect()
  })
}
