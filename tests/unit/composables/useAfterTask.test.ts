/**
 * useAfterTask: the main screen follows the call's state one task behind, so a call event's
 * postMessage to HubSpot does not wait for a screen swap.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, ref } from 'vue'
import { useAfterTask } from '@/composables/useAfterTask'

afterEach(() => {
  vi.useRealTimers()
})

describe('useAfterTask', () => {
  it('starts at the source\'s value and takes a change in the next task, not before', () => {
    vi.useFakeTimers()
    const phase = ref('connected')
    const shown = effectScope().run(() => useAfterTask(phase))!
    expect(shown.value).toBe('connected')
    phase.value = 'ended'
    expect(shown.value).toBe('connected')
    vi.advanceTimersByTime(0)
    expect(shown.value).toBe('ended')
  })

  it('takes several changes in one task as one, ending on the last', () => {
    vi.useFakeTimers()
    const phase = ref('calling')
    const seen: string[] = []
    const scope = effectScope()
    const shown = scope.run(() => useAfterTask(() => phase.value))!
    phase.value = 'connected'
    phase.value = 'ended'
    vi.advanceTimersByTime(0)
    seen.push(shown.value)
    expect(seen).toEqual(['ended'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops following when its scope is disposed', () => {
    vi.useFakeTimers()
    const phase = ref('idle')
    const scope = effectScope()
    const shown = scope.run(() => useAfterTask(phase))!
    phase.value = 'calling'
    scope.stop()
    vi.advanceTimersByTime(0)
    expect(shown.value).toBe('idle')
    expect(vi.getTimerCount()).toBe(0)
  })
})
