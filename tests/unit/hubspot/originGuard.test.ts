/**
 * The origin guard in front of the REAL SDK. happy-dom's window is top-level, so the
 * guard is given a view of it whose `parent` is a stand-in object: messages whose
 * `source` is that object come "from the parent". The SDK's posts land on the stubbed
 * `window.postMessage` (see createHubSpotPort.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'
import { blockReason, checkEmbedding, installMessageGuard } from '@/hubspot/originGuard'
import type { GuardedWindow } from '@/hubspot/originGuard'
import type { HubSpotPort } from '@/hubspot/types'

const HUBSPOT = 'https://app.hubspot.com'
const ALLOWED = [HUBSPOT, 'https://app-eu1.hubspot.com']
const parent = { name: 'the HubSpot parent window' }
const stranger = { name: 'some other window' }

let posted: Array<{ type: unknown, targetOrigin: unknown }>
let cleanups: Array<() => void>
let blocked: string[]

beforeEach(() => {
  posted = []
  cleanups = []
  blocked = []
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown, targetOrigin?: unknown) => {
    posted.push({ type: (message as { type?: unknown }).type, targetOrigin })
  })
  vi.spyOn(console, 'debug').mockImplementation(() => undefined)
})

afterEach(() => {
  for (const c of cleanups.reverse()) c()
})

function guardedPort(): { port: HubSpotPort, ready: unknown[], dials: unknown[] } {
  const view: GuardedWindow = {
    parent,
    addEventListener: (t, l, o) => window.addEventListener(t, l, o),
    removeEventListener: (t, l, o) => window.removeEventListener(t, l, o),
  }
  cleanups.push(installMessageGuard(view, { allowedOrigins: ALLOWED, onBlocked: reason => blocked.push(reason) }))
  const port = createHubSpotPort({ debug: false })
  cleanups.push(() => port.dispose())
  const ready: unknown[] = []
  const dials: unknown[] = []
  port.on('ready', r => ready.push(r))
  port.on('dialNumber', d => dials.push(d))
  return { port, ready, dials }
}

function post(data: unknown, origin: string, source: unknown): void {
  // happy-dom takes any object as the source; a browser only a window.
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }))
}

const sync = (hostUrl = HUBSPOT) => ({ type: 'SYNC', hostUrl, messageId: 'hs_sync', portalId: 1 })

describe('installMessageGuard + the real SDK', () => {
  it('lets HubSpot\'s SYNC from the parent through: the SDK answers it', () => {
    const { ready } = guardedPort()
    post(sync(), HUBSPOT, parent)
    expect(posted).toEqual([{ type: 'SYNC_ACK', targetOrigin: HUBSPOT }])
    expect(ready).toHaveLength(1)
    expect(blocked).toEqual([])
  })

  it('ignores a SYNC from another window, even at an allowed origin: the SDK never answers or adopts it', () => {
    const { ready } = guardedPort()
    post(sync(), HUBSPOT, stranger)
    post(sync('https://evil.example'), 'https://evil.example', stranger)
    expect(posted).toEqual([])
    expect(ready).toEqual([])
    expect(blocked).toEqual(['not from the parent window', 'not from the parent window'])
    // HubSpot's real SYNC afterwards still works.
    post(sync(), HUBSPOT, parent)
    expect(posted).toEqual([{ type: 'SYNC_ACK', targetOrigin: HUBSPOT }])
  })

  it('ignores a SYNC from the parent at an origin not allowed', () => {
    const { ready } = guardedPort()
    post(sync('https://evil.example'), 'https://evil.example', parent)
    expect(posted).toEqual([])
    expect(ready).toEqual([])
    expect(blocked).toEqual(['origin not allowed'])
  })

  it('ignores a SYNC whose hostUrl is not its own origin (it would redirect our replies)', () => {
    const { ready } = guardedPort()
    post(sync('https://evil.example'), HUBSPOT, parent)
    expect(posted).toEqual([])
    expect(ready).toEqual([])
  })

  it('after the handshake, a dial request from another window or origin is dropped; HubSpot\'s goes through', () => {
    const { dials } = guardedPort()
    post(sync(), HUBSPOT, parent)
    const dial = { type: 'DIAL_NUMBER', data: { phoneNumber: '+442079460600' }, messageId: 'hs_1' }
    post(dial, HUBSPOT, stranger)
    post(dial, 'https://evil.example', parent)
    expect(dials).toEqual([])
    post(dial, HUBSPOT, parent)
    expect(dials).toEqual([{ request: { phoneNumber: '+442079460600' } }])
  })

  it('drops a SET_WIDGET_URL that would send our replies to an origin not allowed', () => {
    guardedPort()
    post(sync(), HUBSPOT, parent)
    post({ type: 'SET_WIDGET_URL', iFrameUrl: 'https://evil.example', messageId: 'hs_2' }, HUBSPOT, parent)
    expect(blocked).toEqual(['SET_WIDGET_URL to an origin not allowed'])
  })

  it('the removal function uninstalls the guard', () => {
    const view: GuardedWindow = {
      parent,
      addEventListener: (t, l, o) => window.addEventListener(t, l, o),
      removeEventListener: (t, l, o) => window.removeEventListener(t, l, o),
    }
    const remove = installMessageGuard(view, { allowedOrigins: ALLOWED, onBlocked: r => blocked.push(r) })
    remove()
    post(sync(), HUBSPOT, stranger)
    expect(blocked).toEqual([])
  })
})

describe('blockReason', () => {
  it('blocks everything in a top-level window (no parent to trust)', () => {
    const self = {}
    expect(blockReason({ data: sync(), origin: HUBSPOT, source: self as Window }, self, self, ALLOWED)).toBe('not from the parent window')
  })
  it('blocks what is not an SDK message (the SDK would throw on null data), without throwing itself', () => {
    for (const data of [null, undefined, 42, 'SYNC', [], {}, { type: 7 }])
      expect(blockReason({ data, origin: HUBSPOT, source: parent as unknown as Window }, parent, {}, ALLOWED)).toBe('not an SDK message')
    expect(blockReason({ data: { type: 'SYNC', hostUrl: 7 }, origin: HUBSPOT, source: parent as unknown as Window }, parent, {}, ALLOWED))
      .toBe('SYNC hostUrl differs from its origin')
  })
})

describe('checkEmbedding', () => {
  const framed = (ancestors: string[] | undefined, referrer = '') => ({
    parent,
    location: ancestors ? { ancestorOrigins: Object.assign([...ancestors], { length: ancestors.length }) } : {},
    document: { referrer },
  })

  it('accepts HubSpot as the parent (ancestorOrigins)', () => {
    expect(checkEmbedding(framed([HUBSPOT]), ALLOWED)).toEqual({ ok: true, parentOrigin: HUBSPOT })
  })

  it('falls back to the referrer where there is no ancestorOrigins (Firefox)', () => {
    expect(checkEmbedding(framed(undefined, 'https://app-eu1.hubspot.com/calls/123'), ALLOWED))
      .toEqual({ ok: true, parentOrigin: 'https://app-eu1.hubspot.com' })
  })

  it('refuses a foreign parent with a readable notice', () => {
    const r = checkEmbedding(framed(['https://evil.example']), ALLOWED)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.parentOrigin).toBe('https://evil.example')
    expect(r.message).toContain('runs only inside HubSpot')
    expect(r.message).toContain('https://evil.example')
  })

  it('trusts ancestorOrigins over a forged referrer', () => {
    expect(checkEmbedding(framed(['https://evil.example'], 'https://app.hubspot.com/'), ALLOWED).ok).toBe(false)
  })

  it('runs top-level (not a calling widget then) and when the browser hides the parent', () => {
    const top = { location: {}, document: { referrer: '' } } as { parent?: unknown, location: object, document: { referrer: string } }
    top.parent = top
    expect(checkEmbedding(top as Parameters<typeof checkEmbedding>[0], ALLOWED)).toEqual({ ok: true, parentOrigin: null })
    expect(checkEmbedding(framed(undefined, ''), ALLOWED)).toEqual({ ok: true, parentOrigin: null })
  })
})
