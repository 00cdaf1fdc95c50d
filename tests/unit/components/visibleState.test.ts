/**
 * Issue 14, "state you can see": what the agent reads off the screen matches the state, and the
 * keypad's keys are named by what they show (WCAG 2.5.3). Layout rules are checked against the
 * real stylesheet in tests/e2e/accessibility.e2e.ts (a real browser lays them out).
 */
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import CallScreen from '@/components/CallScreen.vue'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import DialPad from '@/components/DialPad.vue'
import StatusBar from '@/components/StatusBar.vue'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const inbound = {
  callId: 'c1', direction: 'INBOUND', toNumber: '1009', display: '+44 20 7946 0999', fromNumber: '+442079460999',
  startedAt: 1000, answeredAt: 2000, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}
const ada = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: '' }

describe('the status bar', () => {
  const agent = { extension: '1009', registration: 'registered', signedIn: true }
  it('reads Registered with the green dot while available', () => {
    const { wrapper } = mountWith(StatusBar, { initialState: { agent, availability: { available: true } } })
    expect(wrapper.find('[role="status"]').text()).toBe('Registered')
    expect(wrapper.find('.status-dot').classes()).toContain('status-dot--registered')
  })
  it('reads Do not disturb, not a green Registered, while the agent refuses calls', () => {
    const { wrapper } = mountWith(StatusBar, { initialState: { agent, availability: { available: false } } })
    expect(wrapper.find('[role="status"]').text()).toBe('Do not disturb')
    expect(wrapper.find('.status-dot').classes()).toEqual(['status-dot', 'status-dot--dnd'])
  })
  it('a registration problem still wins over Do not disturb', () => {
    const { wrapper } = mountWith(StatusBar, { initialState: { agent: { ...agent, registration: 'failed' }, availability: { available: false } } })
    expect(wrapper.find('[role="status"]').text()).toBe('Not registered')
    expect(wrapper.find('.status-dot').classes()).toContain('status-dot--failed')
  })
})

describe('the call screen', () => {
  it('an answered inbound call keeps the caller\'s matched name, the number under it', () => {
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: inbound, caller: { displayName: 'Agent 1006', lookup: 'matched', matches: [ada], chosen: ada } } } })
    expect(wrapper.find('h1').text()).toBe('Ada Lovelace')
    expect(wrapper.find('[data-testid="caller-number"]').text()).toBe('+44 20 7946 0999')
  })
  it('without a HubSpot match, the caller\'s SIP display name; without that, the number alone', () => {
    const named = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: inbound, caller: { displayName: 'Agent 1006', lookup: 'unmatched', matches: [], chosen: null } } } })
    expect(named.wrapper.find('h1').text()).toBe('Agent 1006')
    named.wrapper.unmount()
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: inbound, caller: { displayName: '', lookup: 'unmatched', matches: [], chosen: null } } } })
    expect(wrapper.find('h1').text()).toBe('+44 20 7946 0999')
    expect(wrapper.find('[data-testid="caller-number"]').exists()).toBe(false)
  })
  it('the keypad button says whether the keypad is open', async () => {
    const outbound = { ...inbound, direction: 'OUTBOUND' }
    const { wrapper } = mountWith(CallScreen, { initialState: { call: { phase: 'connected', call: outbound, keypadOpen: false } } })
    const keypad = () => wrapper.findAll('button').find(b => b.text() === 'Keypad')!
    expect(keypad().attributes('aria-expanded')).toBe('false')
    const { useCallStore } = await import('@/stores/call')
    useCallStore().keypadOpen = true
    await wrapper.vm.$nextTick()
    expect(keypad().attributes('aria-expanded')).toBe('true')
    expect(wrapper.find('[data-testid="in-call-keypad"]').exists()).toBe(true)
  })
})

describe('the keypad', () => {
  it('names every key by its visible text (WCAG 2.5.3 Label in Name)', () => {
    const { wrapper } = mountWith(DialPad)
    const keys = wrapper.findAll('button')
    expect(keys.map(k => k.text().replace(/\s+/g, ' ').trim())).toEqual(['1', '2 ABC', '3 DEF', '4 GHI', '5 JKL', '6 MNO', '7 PQRS', '8 TUV', '9 WXYZ', '*', '0 +', '#'])
    for (const key of keys) {
      expect(key.attributes('aria-label')).toBeUndefined()
      expect(key.find('[aria-hidden]').exists()).toBe(false)
    }
  })
})

describe('the setup screen', () => {
  it('announces the problems without taking the items out of their list', () => {
    const { wrapper } = mountWith(ConfigErrorScreen, { props: { errors: [{ field: 'pbxUrl', message: 'must be wss://' }, { field: 'sipDomain', message: 'is missing' }] } })
    const alert = wrapper.find('[role="alert"]')
    expect(alert.element.tagName).toBe('DIV')
    expect(alert.findAll('ul > li').map(li => li.text())).toEqual(['pbxUrl: must be wss://', 'sipDomain: is missing'])
    expect(wrapper.find('ul').attributes('role')).toBeUndefined()
  })
})

describe('the stylesheet', () => {
  const css = readFileSync('src/style.css', 'utf8')
  it('the setup screen\'s example URL may break anywhere', () => {
    expect(wrapper(ConfigErrorScreen).find('code.setup__url').text()).toContain('?pbxUrl=')
    expect(css).toMatch(/\.setup__url \{[^}]*overflow-wrap: anywhere/)
  })
  it('keeps the widget within the 600 px the README registers with HubSpot, scrolling inside', () => {
    expect(css).toMatch(/\.softphone \{ max-height: var\(--widget-height, 600px\); overflow-y: auto; \}/)
    expect(readFileSync('README.md', 'utf8')).toContain('--height 600')
  })
  it('a heading focused by the app (tabindex=-1) draws no frame', () => {
    expect(css).toMatch(/\[tabindex="-1"\]:focus \{ outline: none; \}/)
  })
})

function wrapper(component: typeof ConfigErrorScreen) {
  return mountWith(component, { props: { errors: [] } }).wrapper
}
