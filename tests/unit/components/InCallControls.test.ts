/**
 * The call screen's in-call controls: hold, keypad (clicks and keyboard), transfer panel,
 * shortcuts (never while typing), the quality indicator and the ringback state.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import CallScreen from '@/components/CallScreen.vue'
import WrapUpScreen from '@/components/WrapUpScreen.vue'
import { useCallStore } from '@/stores/call'
import { mountWith as mountAny } from './mountWith'

// The shortcuts listen on the document: every screen is unmounted after its test.
const mounted: Array<ReturnType<typeof mountAny>['wrapper']> = []
function mountWith(...args: Parameters<typeof mountAny>): ReturnType<typeof mountAny> {
  const result = mountAny(...args)
  mounted.push(result.wrapper)
  return result
}

afterEach(() => {
  for (const wrapper of mounted.splice(0))
    wrapper.unmount()
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const record = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '1004', display: '1004', fromNumber: '1003',
  startedAt: 1000, answeredAt: 2000, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}

type Wrapper = ReturnType<typeof mountAny>['wrapper']

function button(wrapper: Wrapper, name: string) {
  const found = wrapper.findAll('button').find(b => b.text() === name)
  if (!found)
    throw new Error(`no button ${name}; have ${wrapper.findAll('button').map(b => b.text()).join(', ')}`)
  return found
}

function connected(extra: Record<string, unknown> = {}) {
  return mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: record, ...extra } } })
}

function press(init: KeyboardEventInit, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(event)
  return event
}

describe('hold', () => {
  it('shows Held and a Resume button while held; the timer stays', () => {
    const { wrapper } = connected({ held: true })
    expect(wrapper.find('[data-testid="call-state"]').text()).toBe('Held')
    expect(button(wrapper, 'Resume').attributes('aria-pressed')).toBe('true')
    expect(wrapper.find('[role="timer"]').exists()).toBe(true)
  })

  it('Hold calls the store; it is disabled while the PBX has not answered or a transfer call is up', async () => {
    const { wrapper } = connected()
    await button(wrapper, 'Hold').trigger('click')
    expect(useCallStore().toggleHold).toHaveBeenCalledOnce()
    wrapper.unmount()

    expect(button(connected({ holdPending: true }).wrapper, 'Hold').attributes('disabled')).toBeDefined()
    document.body.innerHTML = ''
    const consulting = connected({ held: true, transfer: { stage: 'talking', target: '1005', display: '1005' } })
    expect(button(consulting.wrapper, 'Resume').attributes('disabled')).toBeDefined()
  })

  it('offers nothing in-call before the answer', () => {
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call: { ...record, answeredAt: null } } } })
    for (const name of ['Mute', 'Hold', 'Keypad', 'Transfer'])
      expect(button(wrapper, name).attributes('disabled')).toBeDefined()
  })
})

describe('keypad', () => {
  it('opens with the store and sends each clicked key', async () => {
    const { wrapper } = connected({ keypadOpen: true, dtmfSent: '12' })
    expect(wrapper.find('[aria-label="Keys sent"]').text()).toBe('12')
    await wrapper.find('[data-key="5"]').trigger('click')
    await wrapper.find('[data-key="#"]').trigger('click')
    expect(useCallStore().pressKey).toHaveBeenNthCalledWith(1, '5')
    expect(useCallStore().pressKey).toHaveBeenNthCalledWith(2, '#')
  })

  it('the keyboard types keypad keys while it is open (not letters, not while closed)', async () => {
    const open = connected({ keypadOpen: true })
    press({ key: '7' })
    press({ key: '*' })
    press({ key: 'a' })
    expect(useCallStore().pressKey).toHaveBeenCalledTimes(2)
    open.wrapper.unmount()

    connected({ keypadOpen: false })
    press({ key: '7' })
    expect(useCallStore().pressKey).not.toHaveBeenCalled()
  })

  it('the Keypad button toggles it', async () => {
    const { wrapper } = connected()
    await button(wrapper, 'Keypad').trigger('click')
    expect(useCallStore().toggleKeypad).toHaveBeenCalledOnce()
  })
})

describe('keyboard shortcuts', () => {
  it('Alt+M, Alt+H, Alt+K and Alt+X reach the store and are shown on the screen', () => {
    const { wrapper } = connected()
    const store = useCallStore()
    for (const code of ['KeyM', 'KeyH', 'KeyK', 'KeyX'])
      expect(press({ code, key: code.slice(3).toLowerCase(), altKey: true }).defaultPrevented).toBe(true)
    expect(store.toggleMute).toHaveBeenCalledOnce()
    expect(store.toggleHold).toHaveBeenCalledOnce()
    expect(store.toggleKeypad).toHaveBeenCalledOnce()
    expect(store.hangup).toHaveBeenCalledOnce()
    const shown = wrapper.find('[data-testid="shortcuts"]').text()
    for (const label of ['Alt+M', 'Alt+H', 'Alt+K', 'Alt+X'])
      expect(shown).toContain(label)
    expect(button(wrapper, 'Mute').attributes('aria-keyshortcuts')).toBe('Alt+M')
  })

  it('Alt+H waits while the call reconnects, like the Hold button; Alt+M and Alt+X still work', () => {
    connected({ reconnecting: true })
    const store = useCallStore()
    press({ code: 'KeyH', key: 'h', altKey: true })
    press({ code: 'KeyM', key: 'm', altKey: true })
    press({ code: 'KeyX', key: 'x', altKey: true })
    expect(store.toggleHold).not.toHaveBeenCalled()
    expect(store.toggleMute).toHaveBeenCalledOnce()
    expect(store.hangup).toHaveBeenCalledOnce()
  })

  it('never fire while the agent types in a field', async () => {
    const { wrapper } = connected({ keypadOpen: true })
    await button(wrapper, 'Transfer').trigger('click')
    const input = wrapper.find('input[name="transferTarget"]').element
    press({ code: 'KeyX', key: 'x', altKey: true }, input)
    press({ code: 'KeyM', key: 'm', altKey: true }, input)
    press({ key: '5' }, input)
    const store = useCallStore()
    expect(store.hangup).not.toHaveBeenCalled()
    expect(store.toggleMute).not.toHaveBeenCalled()
    expect(store.pressKey).not.toHaveBeenCalled()
  })

  it('are gone with the call screen', () => {
    const { wrapper } = connected()
    wrapper.unmount()
    press({ code: 'KeyX', key: 'x', altKey: true })
    expect(useCallStore().hangup).not.toHaveBeenCalled()
  })
})

describe('transfer panel', () => {
  it('Transfer now = blind, Talk first = attended, both with the typed number', async () => {
    const { wrapper } = connected()
    await button(wrapper, 'Transfer').trigger('click')
    await wrapper.find('input[name="transferTarget"]').setValue('1005')
    await button(wrapper, 'Transfer now').trigger('click')
    await wrapper.find('form.transfer__form').trigger('submit')
    await button(wrapper, 'Talk first').trigger('click')
    const store = useCallStore()
    expect(store.blindTransfer).toHaveBeenCalledWith('1005')
    expect(store.startAttendedTransfer).toHaveBeenCalledWith('1005')
  })

  it('nothing to transfer to: the buttons wait for a number', async () => {
    const { wrapper } = connected()
    await button(wrapper, 'Transfer').trigger('click')
    expect(button(wrapper, 'Transfer now').attributes('disabled')).toBeDefined()
    expect(button(wrapper, 'Talk first').attributes('disabled')).toBeDefined()
  })

  it('while talking to the target: Complete transfer and Back to caller', async () => {
    const { wrapper } = connected({ held: true, transfer: { stage: 'talking', target: '1005', display: '1005' } })
    expect(wrapper.find('[data-testid="transfer-stage"]').text()).toBe('Talking to 1005. The caller is on hold.')
    await button(wrapper, 'Complete transfer').trigger('click')
    await button(wrapper, 'Back to caller').trigger('click')
    expect(useCallStore().completeTransfer).toHaveBeenCalledOnce()
    expect(useCallStore().cancelTransfer).toHaveBeenCalledOnce()
  })

  it('Complete waits for the target to answer', () => {
    const { wrapper } = connected({ held: true, transfer: { stage: 'ringing', target: '1005', display: '1005' } })
    expect(wrapper.find('[data-testid="transfer-stage"]').text()).toBe('1005 is ringing. The caller is on hold.')
    expect(button(wrapper, 'Complete transfer').attributes('disabled')).toBeDefined()
  })
})

describe('call quality', () => {
  it('shows the level and the figures from the latest sample', () => {
    const { wrapper } = connected({ quality: { at: 0, rttMs: 24, jitterMs: 1.5, loss: 0, mos: 4.4, level: 'good' } })
    const indicator = wrapper.find('[data-testid="call-quality"]')
    expect(indicator.attributes('data-level')).toBe('good')
    expect(indicator.text()).toContain('Call quality: Good')
    expect(indicator.text()).toContain('MOS 4.4 · 24 ms RTT · 1.5 ms jitter · 0% loss')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('warns when the call is poor', () => {
    const { wrapper } = connected({ quality: { at: 0, rttMs: 400, jitterMs: 40, loss: 0.12, mos: 2.9, level: 'poor' }, qualityWarning: true })
    expect(wrapper.find('[data-testid="call-quality"]').text()).toContain('Poor')
    expect(wrapper.find('[role="alert"]').text()).toContain('The connection is poor')
  })

  it('the wrap-up shows the call\'s summary', () => {
    const quality = { samples: 10, averageMos: 4.38, minMos: 4.2, level: 'good', maxRttMs: 31, maxJitterMs: 2.5, averageLoss: 0.001, poorSamples: 0 }
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call: { ...record, endedAt: 9000, quality } } } })
    expect(wrapper.find('[data-testid="call-quality-summary"]').text())
      .toBe('Call quality: Good · average MOS 4.4 (lowest 4.2) · up to 31 ms RTT · 2.5 ms jitter · 0.1% loss')
  })
})

describe('ringback', () => {
  it('local while ringing without early media, early-media with it, off once answered', () => {
    const ringing = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call: { ...record, answeredAt: null } } } })
    expect(ringing.wrapper.find('section').attributes('data-ringback')).toBe('local')
    ringing.wrapper.unmount()
    const early = mountWith(CallScreen, { initialState: { call: { phase: 'ringing', call: { ...record, answeredAt: null }, earlyMedia: true } } })
    expect(early.wrapper.find('section').attributes('data-ringback')).toBe('early-media')
    early.wrapper.unmount()
    expect(connected().wrapper.find('section').attributes('data-ringback')).toBe('off')
  })
})
