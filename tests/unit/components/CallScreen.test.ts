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

  it('shows the extension that will be keyed in, and then that it was', () => {
    const withExtension = { ...call, display: '+44 20 7946 0600 ext. 45', extension: { digits: '45', sequence: ',45' } }
    const ringing = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call: withExtension } } })
    expect(ringing.wrapper.find('h1').text()).toBe('+44 20 7946 0600 ext. 45')
    expect(ringing.wrapper.find('[data-testid="call-extension"]').text()).toBe('Extension 45: keyed in once answered')
    ringing.wrapper.unmount()
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: { ...withExtension, answeredAt: 1 }, postDial: { digits: '45', sent: '45', state: 'sent' } } } })
    expect(wrapper.find('[data-testid="call-extension"]').text()).toBe('Extension 45 keyed in')
  })

  it('an answered inbound call several records match still lets the agent pick whose record it is', () => {
    const ada = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: '' }
    const acme = { callerIdType: 'COMPANY', objectCoordinates: { portalId: 1, objectId: 9201, objectTypeId: '0-2' }, name: 'Acme Ltd' }
    const inbound = { ...call, direction: 'INBOUND', answeredAt: 1 }
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: inbound, caller: { displayName: '', lookup: 'matched', matches: [ada, acme], chosen: null } } } })
    expect(wrapper.find('[data-testid="caller-choice"]').text()).toBe('2 HubSpot records have this number. Open the caller\'s record:')
    expect(wrapper.findAll('.caller-record li')).toHaveLength(2)
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
