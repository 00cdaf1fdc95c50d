import { afterEach, describe, expect, it } from 'vitest'
import ConnectionBanner from '@/components/ConnectionBanner.vue'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const state = (agent: Record<string, unknown>) => ({ initialState: { agent: { signedIn: true, ...agent } } })

describe('ConnectionBanner', () => {
  it('says the connection is lost and when the next attempt is, as a polite status', () => {
    const { wrapper } = mountWith(ConnectionBanner, state({ registration: 'failed', reconnect: { attempt: 3, delayMs: 3600 } }))
    const banner = wrapper.get('[role="status"]')
    expect(banner.attributes('aria-live')).toBe('polite')
    expect(banner.text()).toBe('Connection to the phone system lost. Reconnecting in 4 sec (attempt 3)… Your notes are kept.')
  })

  it('says when an attempt is under way', () => {
    const { wrapper } = mountWith(ConnectionBanner, state({ registration: 'registering', reconnect: { attempt: 2, delayMs: 0 } }))
    expect(wrapper.text()).toBe('Connection to the phone system lost. Reconnecting now (attempt 2)…')
  })

  it('is not there when connected, nor for an agent who never signed in', () => {
    expect(mountWith(ConnectionBanner, state({ registration: 'registered', reconnect: null })).wrapper.find('[role="status"]').exists()).toBe(false)
    expect(mountWith(ConnectionBanner, state({ signedIn: false, registration: 'failed', reconnect: { attempt: 1, delayMs: 1000 } })).wrapper.find('[role="status"]').exists()).toBe(false)
  })
})
