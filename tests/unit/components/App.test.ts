import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '@/App.vue'
import { useCallStore } from '@/stores/call'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

/** A ResizeObserver the test drives: `resize(height)` reports a new border box to every observer. */
class FakeResizeObserver {
  static observers: FakeResizeObserver[] = []
  constructor(private readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.observers.push(this)
  }

  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
  static resize(height: number): void {
    const entry = { borderBoxSize: [{ inlineSize: 400, blockSize: height }], contentRect: { width: 400, height } } as unknown as ResizeObserverEntry
    for (const observer of FakeResizeObserver.observers)
      observer.callback([entry], observer as unknown as ResizeObserver)
  }
}

const call = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '+442079460600', display: '+44 20 7946 0600', fromNumber: '1001',
  startedAt: 1000, answeredAt: null, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}

describe('App', () => {
  it('asks a signed-out agent to sign in', () => {
    const { wrapper } = mountWith(App)
    expect(wrapper.find('h1').text()).toBe('Sign in to your phone')
  })

  it('a frame that has not yet learned the phone from the agent\'s other frames shows neither the sign-in form nor the dialer', async () => {
    let joined = false
    const handlers: Array<() => void> = []
    const frame = {
      ownsPhone: () => false,
      onOwnerChange: () => () => {},
      joined: () => joined,
      onJoined: (handler: () => void) => {
        handlers.push(handler)
        return () => {}
      },
    }
    const { wrapper } = mountWith(App, { frame })
    expect(wrapper.find('h1').exists()).toBe(false)
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.get('[role="status"]').text()).toBe('Connecting to your phone…')
    // Nobody answered: the agent is signed out here, and the frame says so (one task later, as every screen change).
    joined = true
    for (const handler of handlers)
      handler()
    await new Promise(resolve => setTimeout(resolve, 0))
    await nextTick()
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

  it('sizes HubSpot\'s frame by the wrap-up as a call ends, not by the call screen it replaces a task later', async () => {
    vi.useFakeTimers()
    FakeResizeObserver.observers = []
    vi.stubGlobal('ResizeObserver', FakeResizeObserver)
    const { wrapper, ports } = mountWith(App, {
      stubActions: false,
      initialState: {
        agent: { registration: 'registered', signedIn: true, extension: '1001' },
        widget: { ready: true },
        call: { phase: 'connected', call: { ...call, answeredAt: 2000 } },
      },
    })
    const sizes = (): unknown[] => ports.hubspot.sent.filter(m => m.type === 'resizeWidget').map(m => (m.data as { height: number }).height)
    FakeResizeObserver.resize(378)
    expect(sizes()).toEqual([378])

    // The call ends: for one task the call screen is still shown, without its timer and quality (332 px).
    useCallStore().phase = 'ended'
    await nextTick()
    expect(wrapper.find('[data-testid="call-state"]').exists()).toBe(true)
    FakeResizeObserver.resize(332)
    expect(sizes()).toEqual([378])

    // The wrap-up replaces it (442 px): HubSpot is asked for that size, once.
    vi.spyOn(wrapper.find('main').element, 'getBoundingClientRect').mockReturnValue({ width: 400, height: 442 } as DOMRect)
    vi.advanceTimersByTime(0)
    await nextTick()
    expect(wrapper.find('h1').text()).toBe('Call ended')
    expect(sizes()).toEqual([378, 442])
    FakeResizeObserver.resize(442)
    expect(sizes()).toEqual([378, 442])
  })
})
