import { afterEach, describe, expect, it, vi } from 'vitest'
import CallScreen from '@/components/CallScreen.vue'
import { useCallStore } from '@/stores/call'
import { mountWith } from './mountWith'

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const call = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '+442079460600', display: '+44 20 7946 0600', fromNumber: '1001',
  startedAt: 1000, answeredAt: null, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}

function button(wrapper: ReturnType<typeof mountWith>['wrapper'], name: string) {
  const found = wrapper.findAll('button').find(b => b.text() === name)
  if (!found)
    throw new Error(`no button ${name}`)
  return found
}

describe('CallScreen', () => {
  it('shows who is being called and the state', () => {
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call } } })
    expect(wrapper.find('h1').text()).toBe('+44 20 7946 0600')
    expect(wrapper.find('[data-testid="call-state"]').text()).toBe('Ringing')
    expect(wrapper.find('[role="timer"]').exists()).toBe(false)
  })

  it('runs a timer from the answer', async () => {
    vi.useFakeTimers({ now: 70_000 })
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: { ...call, answeredAt: 5_000 } } } })
    expect(wrapper.find('[role="timer"]').text()).toBe('1:05')
    await vi.advanceTimersByTimeAsync(2000)
    expect(wrapper.find('[role="timer"]').text()).toBe('1:07')
  })

  it('reads Reconnecting… with the timer still running while the connection comes back; Hold and Transfer wait', async () => {
    vi.useFakeTimers({ now: 70_000 })
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: { ...call, answeredAt: 5_000 } } } })
    useCallStore().reconnecting = true
    await wrapper.vm.$nextTick()

    expect(wrapper.find('[data-testid="call-state"]').text()).toBe('Reconnecting…')
    await vi.advanceTimersByTimeAsync(2000)
    expect(wrapper.find('[role="timer"]').text()).toBe('1:07')
    expect(button(wrapper, 'Hold').attributes('disabled')).toBeDefined()
    expect(button(wrapper, 'Transfer').attributes('disabled')).toBeDefined()
    expect(button(wrapper, 'Hang up').attributes('disabled')).toBeUndefined()
    expect(button(wrapper, 'Mute').attributes('disabled')).toBeUndefined()
  })

  it('offers Mute only when connected, and Unmute when muted', () => {
    const ringing = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call } } })
    expect(button(ringing.wrapper, 'Mute').attributes('disabled')).toBeDefined()
    ringing.wrapper.unmount()

    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: { ...call, answeredAt: 1 }, muted: true } } })
    expect(button(wrapper, 'Unmute').attributes('aria-pressed')).toBe('true')
  })

  it('calls the store on Hang up and Mute', async () => {
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: { ...call, answeredAt: 1 } } } })
    await button(wrapper, 'Hang up').trigger('click')
    await button(wrapper, 'Mute').trigger('click')
    const store = useCallStore()
    expect(store.hangup).toHaveBeenCalledOnce()
    expect(store.toggleMute).toHaveBeenCalledOnce()
  })
})
