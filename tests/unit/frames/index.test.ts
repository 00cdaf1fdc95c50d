// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Frames } from '@/frames'
import { createFrames, prepareFrames } from '@/frames'
import { channelName } from '@/frames/channel'
import { FakeHubSpot, MemoryStorage } from '../fakes'
import type { Bus } from './bus'
import { createBus } from './bus'
import { LocalSip } from './frames'
import { LockRegistry } from './locks'

const PBX = 'ws://127.0.0.1:8088/ws'
const DOMAIN = 'pbx.test'

let bus: Bus
let locks: LockRegistry
const made: Frames[] = []
beforeEach(() => {
  bus = createBus()
  locks = new LockRegistry()
})
afterEach(async () => {
  await Promise.all(made.splice(0).map(f => f.sip.dispose()))
  vi.useRealTimers()
})

async function frames(id: string, useLocks: boolean): Promise<Frames & { hubspotHere: FakeHubSpot }> {
  const prepared = await prepareFrames(useLocks ? locks.manager(id) : undefined)
  const hubspotHere = new FakeHubSpot()
  const f = createFrames({
    prepared,
    pbxUrl: PBX,
    sipDomain: DOMAIN,
    hubspot: hubspotHere,
    storage: new MemoryStorage('local'),
    createLocal: () => new LocalSip(),
    channel: bus.channel(id),
    locks: locks.manager(id),
  })
  made.push(f)
  return Object.assign(f, { hubspotHere })
}

describe('createFrames', () => {
  it('elects with Web Locks where they work, on a lock named for the PBX', async () => {
    const a = await frames('a', true)
    expect(a.election).toBe('web-locks')
    const changes: boolean[] = []
    a.onOwnerChange(owns => changes.push(owns))
    await vi.waitFor(() => expect(a.ownsPhone()).toBe(true))
    expect(changes).toEqual([true])
    expect(locks.holderTag(channelName(PBX, DOMAIN))).toBe('a')
  })

  it('falls back to the lease over the channel where Web Locks are denied', async () => {
    vi.useFakeTimers()
    const a = await frames('a', false)
    expect(a.election).toBe('lease')
    expect(locks.grants).toEqual([])
    await vi.advanceTimersByTimeAsync(1000)
    expect(a.ownsPhone()).toBe(true)
    expect(bus.posted.some(m => m.type === 'lease' && m.priority === 1)).toBe(true)
  })

  it('HubSpot\'s SYNC tells the frame where it is: it says so once, and as the calling window claims with the window\'s priority', async () => {
    vi.useFakeTimers()
    const w = await frames('w', false)
    w.hubspotHere.emit('ready', { iframeLocation: 'window', usesCallingWindow: true })
    w.hubspotHere.emit('ready', { iframeLocation: 'window', usesCallingWindow: true })
    w.hubspotHere.emit('ready', {})
    const hellos = bus.posted.filter(m => m.type === 'hello')
    expect(hellos.map(m => m.type === 'hello' && m.location)).toEqual(['unknown', 'window'])
    await vi.advanceTimersByTimeAsync(1000)
    expect(bus.posted.find(m => m.type === 'claim')).toMatchObject({ priority: 2 })
  })

  it('prepareFrames: keys for this frame, and whether Web Locks answer', async () => {
    const withLocks = await prepareFrames(locks.manager('a'))
    expect(withLocks.useLocks).toBe(true)
    expect(withLocks.keys.publicKey).toMatchObject({ kty: 'EC' })
    const denied = await prepareFrames({ ...locks.manager('a'), query: () => Promise.reject(new DOMException('denied', 'SecurityError')) })
    expect(denied.useLocks).toBe(false)
  })

  it('the storage and HubSpot it returns are the shared ones', async () => {
    const [a, b] = [await frames('a', true), await frames('b', true)]
    const changes: unknown[] = []
    b.storage.onChange!((...change) => changes.push(change))
    a.storage.setItem('k', 'v')
    await bus.flush()
    expect(changes).toEqual([['k', null, 'v']])
    a.hubspot.userLoggedIn()
    expect(a.hubspotHere.types()).toEqual(['userLoggedIn'])
  })
})
