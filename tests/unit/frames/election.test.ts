// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OwnerElection } from '@/frames/election'
import { CLAIM_WAIT_MS, LEASE_INTERVAL_MS, LEASE_TIMEOUT_MS, leaseElection, webLocksElection, webLocksUsable } from '@/frames/election'
import type { Bus } from './bus'
import { createBus } from './bus'
import { LockRegistry } from './locks'

const LOCK = 'softphone:phone:pbx.test:ws://pbx'

/** An election and every ownership change it reported. */
function watched(election: OwnerElection): OwnerElection & { changes: boolean[] } {
  const changes: boolean[] = []
  election.onChange(owner => changes.push(owner))
  return Object.assign(election, { changes })
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++)
    await Promise.resolve()
}

describe('webLocksElection', () => {
  let locks: LockRegistry
  const elections: OwnerElection[] = []
  const elect = (tag: string) => {
    const election = watched(webLocksElection(locks.manager(tag), LOCK))
    elections.push(election)
    return election
  }
  beforeEach(() => {
    locks = new LockRegistry()
  })
  afterEach(() => {
    for (const election of elections.splice(0))
      election.dispose()
  })

  it('makes the first frame the owner; the others wait', async () => {
    const a = elect('a')
    const b = elect('b')
    expect(a.isOwner).toBe(false) // granted asynchronously, as in the browser
    await settle()
    expect([a.isOwner, b.isOwner]).toEqual([true, false])
    expect(a.changes).toEqual([true])
    expect(b.changes).toEqual([])
    expect(locks.holderTag(LOCK)).toBe('a')
  })

  it('gives the lock to the next frame in line when the owner goes away, and to no other', async () => {
    const a = elect('a')
    const b = elect('b')
    const c = elect('c')
    await settle()
    a.dispose()
    await settle()
    expect([b.isOwner, c.isOwner]).toEqual([true, false])
    expect(a.changes).toEqual([true])
    b.dispose()
    await settle()
    expect(c.isOwner).toBe(true)
  })

  it('forgets a frame that went away while it waited', async () => {
    const a = elect('a')
    const b = elect('b')
    const c = elect('c')
    await settle()
    b.dispose()
    a.dispose()
    await settle()
    expect(b.isOwner).toBe(false)
    expect(b.changes).toEqual([])
    expect(c.isOwner).toBe(true)
    expect(locks.waiting(LOCK)).toBe(0)
  })

  it('take(): the calling window steals the lock from the owner, which waits for it again behind the others', async () => {
    const a = elect('a')
    const b = elect('b')
    const w = elect('w')
    await settle()
    // Until the window takes it, the owner keeps the lock: no other frame slips in.
    expect(locks.holderTag(LOCK)).toBe('a')
    w.take()
    await settle()
    expect([a.isOwner, b.isOwner, w.isOwner]).toEqual([false, false, true])
    expect(a.changes).toEqual([true, false])
    expect(w.changes).toEqual([true])
    expect(locks.holderTag(LOCK)).toBe('w')
    expect(locks.waiting(LOCK)).toBe(2) // b, and a again
    w.dispose()
    await settle()
    expect([a.isOwner, b.isOwner]).toEqual([false, true])
  })

  it('take() twice steals once; take() by the owner is a no-op', async () => {
    const a = elect('a')
    const w = elect('w')
    await settle()
    a.take()
    w.take()
    w.take()
    await settle()
    expect(locks.grants.filter(grant => grant.endsWith(':w'))).toHaveLength(1)
    expect(locks.grants.filter(grant => grant.endsWith(':a'))).toHaveLength(1)
    expect(w.isOwner).toBe(true)
    expect(w.changes).toEqual([true])
    // The owner that lost the lock does not get it back while the window holds it.
    await settle()
    expect(a.isOwner).toBe(false)
  })

  it('release(): the owner gives the lock to the next frame and waits for it again', async () => {
    const a = elect('a')
    const b = elect('b')
    await settle()
    a.release()
    expect(a.isOwner).toBe(false)
    await settle()
    expect(b.isOwner).toBe(true)
    expect(a.changes).toEqual([true, false])
    b.release()
    await settle()
    expect(a.isOwner).toBe(true)
    expect(a.changes).toEqual([true, false, true])
  })

  it('webLocksUsable: only where navigator.locks answers', async () => {
    expect(await webLocksUsable(locks.manager('a'))).toBe(true)
    expect(await webLocksUsable(undefined)).toBe(false)
    const denied = { ...locks.manager('a'), query: () => Promise.reject(new DOMException('denied', 'SecurityError')) }
    expect(await webLocksUsable(denied)).toBe(false)
  })
})

describe('leaseElection', () => {
  let bus: Bus
  const elections: OwnerElection[] = []
  /** A frame on the bus; `priority` 2 = the calling window. */
  const elect = (frameId: string, priority: () => number = () => 1) => {
    const channel = bus.channel(frameId)
    const election = watched(leaseElection(channel, priority))
    elections.push(election)
    return Object.assign(election, { channel })
  }
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms)
  /** The longest a frame waits before claiming (its ticker) plus the claim's wait. */
  const CLAIM_TIME = LEASE_INTERVAL_MS / 2 + CLAIM_WAIT_MS

  beforeEach(() => {
    vi.useFakeTimers()
    bus = createBus()
  })
  afterEach(() => {
    for (const election of elections.splice(0))
      election.dispose()
    vi.useRealTimers()
  })

  it('a lone frame claims and owns the phone once its claim went unanswered', async () => {
    const a = elect('a')
    await advance(LEASE_INTERVAL_MS / 2)
    expect(bus.posted.map(m => m.type)).toEqual(['claim'])
    expect(a.isOwner).toBe(false)
    await advance(CLAIM_WAIT_MS)
    expect(a.isOwner).toBe(true)
    expect(a.changes).toEqual([true])
    // And keeps it, with a heartbeat.
    await advance(10 * LEASE_TIMEOUT_MS)
    expect(a.changes).toEqual([true])
    expect(bus.posted.filter(m => m.type === 'lease').length).toBeGreaterThan(10)
  })

  it('a frame arriving beside an owner never owns: the owner answers its claim and keeps leasing', async () => {
    const a = elect('a')
    await advance(CLAIM_TIME)
    const z = elect('0-sorts-first') // even a better frame id does not win against a sitting owner
    await advance(10 * LEASE_TIMEOUT_MS)
    expect(a.isOwner).toBe(true)
    expect(z.isOwner).toBe(false)
    expect(z.changes).toEqual([])
  })

  it('the better claim wins: the calling window over a tab, whatever the ids', async () => {
    const a = elect('a')
    const w = elect('w', () => 2)
    await advance(CLAIM_TIME)
    expect([a.isOwner, w.isOwner]).toEqual([false, true])
    await advance(5 * LEASE_TIMEOUT_MS)
    expect(a.changes).toEqual([])
    expect(w.changes).toEqual([true])
  })

  it('between equal claims the lowest frame id wins', async () => {
    const b = elect('b')
    const a = elect('a')
    const c = elect('c')
    await advance(CLAIM_TIME)
    expect([a.isOwner, b.isOwner, c.isOwner]).toEqual([true, false, false])
  })

  it('two owners (a split heals): the worse yields when it hears the better one\'s lease', async () => {
    const b = elect('b')
    const a = elect('a')
    b.take()
    a.take()
    await advance(LEASE_INTERVAL_MS)
    expect([a.isOwner, b.isOwner]).toEqual([true, false])
    expect(b.changes).toEqual([true, false])
  })

  it('the owner\'s bye: another frame claims at its next tick, without waiting for the lease to lapse', async () => {
    const a = elect('a')
    await advance(CLAIM_TIME)
    const b = elect('b')
    await advance(LEASE_INTERVAL_MS)
    a.dispose()
    a.channel.post({ type: 'bye' })
    await advance(CLAIM_TIME)
    expect(b.isOwner).toBe(true)
  })

  it('an owner that vanishes without a bye is replaced once its lease lapsed, not before', async () => {
    const a = elect('a')
    await advance(CLAIM_TIME)
    const b = elect('b')
    await advance(LEASE_INTERVAL_MS)
    a.dispose()
    await advance(LEASE_TIMEOUT_MS - LEASE_INTERVAL_MS)
    expect(b.isOwner).toBe(false)
    await advance(LEASE_INTERVAL_MS + CLAIM_TIME)
    expect(b.isOwner).toBe(true)
  })

  it('take(): the calling window takes the phone at once and the old owner yields to its lease for good', async () => {
    const a = elect('a')
    await advance(CLAIM_TIME)
    const w = elect('w', () => 2)
    await advance(LEASE_INTERVAL_MS)
    w.take()
    expect(w.isOwner).toBe(true)
    await advance(0)
    expect(a.isOwner).toBe(false)
    await advance(5 * LEASE_TIMEOUT_MS)
    expect(a.changes).toEqual([true, false])
    expect(w.changes).toEqual([true])
  })

  it('release(): the owner gives the phone up and does not claim it back before the lease lapses', async () => {
    const a = elect('a')
    await advance(CLAIM_TIME)
    const b = elect('b')
    await advance(LEASE_INTERVAL_MS)
    a.release()
    expect(a.isOwner).toBe(false)
    expect(a.changes).toEqual([true, false])
    await advance(LEASE_TIMEOUT_MS - LEASE_INTERVAL_MS)
    expect([a.isOwner, b.isOwner]).toEqual([false, false])
    await advance(LEASE_INTERVAL_MS + CLAIM_TIME)
    expect(a.isOwner || b.isOwner).toBe(true)
    expect(a.isOwner && b.isOwner).toBe(false)
  })

  it('reads the priority when it claims (a frame learns it is the calling window from SYNC)', async () => {
    let location = 'unknown'
    const a = elect('a')
    const w = elect('w', () => (location === 'window' ? 2 : 1))
    location = 'window'
    await advance(CLAIM_TIME)
    expect([a.isOwner, w.isOwner]).toEqual([false, true])
  })

  it('every message it posts is one the protocol accepts', async () => {
    const a = elect('a')
    elect('w', () => 2)
    await advance(CLAIM_TIME + LEASE_TIMEOUT_MS)
    a.take()
    await advance(LEASE_TIMEOUT_MS)
    expect(bus.unreadable).toEqual([])
    expect(new Set(bus.posted.map(m => m.type))).toEqual(new Set(['claim', 'lease']))
  })
})
