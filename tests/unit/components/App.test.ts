import { afterEach, describe, expect, it } from 'vitest'
import App from '@/App.vue'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const call = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '+442079460600', display: '+44 20 7946 0600', fromNumber: '1001',
  startedAt: 1000, answeredAt: null, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}

describe('App', () => {
  it('asks a signed-out agent to sign in', () => {
    const { wrapper } = mountWith(App)
    expect(wrapper.find('h1').text()).toBe('Sign in to your phone')
  })

  it('shows the dialer once registered, with who is signed in and Sign out', () => {
    const { wrapper } = mountWith(App, { initialState: { agent: { registration: 'registered', signedIn: true, extension: '1001' } } })
    expect(wrapper.find('form[aria-label="Dialer"]').exists()).toBe(true)
    expect(wrapper.find('header').text()).toContain('1001')
    expect(wrapper.findAll('button').some(b => b.text() === 'Sign out')).toBe(true)
  })

  it('shows the call while one is up, and the wrap-up after it even when signed out', () => {
    const active = mountWith(App, { initialState: { agent: { registration: 'registered', signedIn: true }, call: { phase: 'calling', call } } })
    expect(active.wrapper.find('[data-testid="call-state"]').text()).toBe('Calling')
    active.wrapper.unmount()

    const wrap = mountWith(App, { initialState: { call: { phase: 'ended', call } } })
    expect(wrap.wrapper.find('h1').text()).toBe('Call ended')
  })

  it('plays remote audio through an audio element handed to the SIP layer', () => {
    const { wrapper, ports } = mountWith(App, { stubActions: false })
    expect(ports.sip.audio).toBe(wrapper.find('audio').element)
  })
})
