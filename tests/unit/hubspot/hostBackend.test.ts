/**
 * The simulator's one HubSpot backend (dev/host/backend.ts): engagement ids unique across every
 * simulator page of a browser profile (shared localStorage, taken under a Web Lock), and still
 * working where the browser denies the lock or the storage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBackend } from '../../../dev/host/backend'
import { FIRST_ENGAGEMENT_ID } from '../../../dev/host/layout'

/** A lock manager that runs callbacks one at a time, as the browser's does. */
function serialLocks(): LockManager {
  let tail: Promise<unknown> = Promise.resolve()
  const request = (_name: string, callback: () => unknown): Promise<unknown> => {
    const run = tail.then(callback)
    tail = run.catch(() => undefined)
    return run
  }
  return { request, query: async () => ({}) } as unknown as LockManager
}

/** This page's navigator.locks, for one test. */
function useLocks(locks: LockManager): void {
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
}

describe('createBackend', () => {
  beforeEach(() => {
    localStorage.clear()
  })
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'locks')
  })

  it('gives unique ids to two pages creating engagements at once, each known to both', async () => {
    useLocks(serialLocks())
    const tab = createBackend()
    const callingWindow = createBackend()
    const ids = await Promise.all([tab, callingWindow, tab, callingWindow].map((page, i) => page.createEngagement(`call-${i}`)))
    expect(ids).toEqual([FIRST_ENGAGEMENT_ID, FIRST_ENGAGEMENT_ID + 1, FIRST_ENGAGEMENT_ID + 2, FIRST_ENGAGEMENT_ID + 3])
    expect(ids.every(id => tab.has(id) && callingWindow.has(id))).toBe(true)
    expect(tab.has(FIRST_ENGAGEMENT_ID + 4)).toBe(false)
    // A page loaded later (a reload) continues after them.
    expect(await createBackend().createEngagement('call-after-reload')).toBe(FIRST_ENGAGEMENT_ID + 4)
  })

  it('still creates engagements where the browser denies the lock (all site data blocked)', async () => {
    const denied: LockManager = { request: () => Promise.reject(new DOMException('The request was denied.', 'SecurityError')), query: async () => ({}) } as unknown as LockManager
    useLocks(denied)
    const backend = createBackend()
    expect(await backend.createEngagement('call-1')).toBe(FIRST_ENGAGEMENT_ID)
    expect(await backend.createEngagement('call-2')).toBe(FIRST_ENGAGEMENT_ID + 1)
  })

  it('keeps its engagements in memory when storage throws', async () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    const backend = createBackend()
    const first = await backend.createEngagement('call-1')
    const second = await backend.createEngagement('call-2')
    expect([first, second]).toEqual([FIRST_ENGAGEMENT_ID, FIRST_ENGAGEMENT_ID + 1])
    expect(backend.has(first) && backend.has(second)).toBe(true)
  })
})
