/**
 * Focus on a screen's appearance: at once, or (screens that appear on a call event) in the
 * next task, so the forced layout of focus() is not in the task that tells HubSpot.
 */
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { FocusOnMountOptions } from '@/composables/useFocusOnMount'
import { useFocusOnMount } from '@/composables/useFocusOnMount'

function screen(options?: FocusOnMountOptions) {
  return defineComponent({
    setup() {
      const heading = ref<HTMLElement | null>(null)
      useFocusOnMount(heading, options)
      return () => h('h2', { ref: heading, tabindex: -1 }, 'Connected')
    },
  })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('useFocusOnMount', () => {
  it('focuses the target during the mount by default', () => {
    const wrapper = mount(screen(), { attachTo: document.body })
    expect(document.activeElement).toBe(wrapper.find('h2').element)
    wrapper.unmount()
  })

  it('with afterTask, focuses in the next task, not during the mount', () => {
    vi.useFakeTimers()
    const wrapper = mount(screen({ afterTask: true }), { attachTo: document.body })
    expect(document.activeElement).not.toBe(wrapper.find('h2').element)
    vi.advanceTimersByTime(0)
    expect(document.activeElement).toBe(wrapper.find('h2').element)
    wrapper.unmount()
  })

  it('with afterTask, leaves the focus where it moved before the next task', () => {
    vi.useFakeTimers()
    const wrapper = mount(screen({ afterTask: true }), { attachTo: document.body })
    const button = document.createElement('button')
    document.body.append(button)
    button.focus()
    vi.advanceTimersByTime(0)
    expect(document.activeElement).toBe(button)
    button.remove()
    wrapper.unmount()
  })

  it('with afterTask, does nothing when the screen is gone before the next task', () => {
    vi.useFakeTimers()
    const focus = vi.spyOn(HTMLElement.prototype, 'focus')
    const wrapper = mount(screen({ afterTask: true }), { attachTo: document.body })
    wrapper.unmount()
    vi.advanceTimersByTime(0)
    expect(focus).not.toHaveBeenCalled()
  })
})
