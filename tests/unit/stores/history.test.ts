import { getActivePinia } from 'pinia'
import type { Pinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import { isProxy, nextTick, watch } from 'vue'
import { parseHistory } from '@/domain/callHistory'
import type { AppStorage, Persistence } from '@/storage/types'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import { historyKey, useHistoryStore } from '@/stores/history'
import type { Harness } from '../fakes'
import { createHarness, MemoryStorage } from '../fakes'

const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7'
const AGENT = '1001@pbx.test'

/**
 * One browser partition's localStorage seen by several frames: a write by one frame reaches the
 * others' `onChange` (the `storage` event), never its own, as in the browser. Only the history's
 * keys are delivered: these tests are about the history, not the wrap-up drafts' own following.
 */
class SharedPartition {
  readonly items = new Map<string, string>()
  private readonly listeners = new Map<number, Set<(key: string, oldValue: string | null, newValue: string | null) => void>>()
  private frames = 0
  readonly log: string[] = []
  /** Deliveries to other frames wait here until `deliver()` (the browser posts storage events as tasks). */
  readonly queue: (() => void)[] = []

  frame(): AppStorage {
    const id = ++this.frames
    const listeners = new Set<(key: string, oldValue: string | null, newValue: string | null) => void>()
    this.listeners.set(id, listeners)
    const write = (key: string, value: string | null): void => {
      const old = this.items.get(key) ?? null
      if (value === null)
        this.items.delete(key)
      else
        this.items.set(key, value)
      this.log.push(`${id}:${key}:${value?.slice(0, 300)}`)
      for (const [other, set] of this.listeners) {
        if (other !== id && key.startsWith('softphone:history:'))
          set.forEach(listener => this.queue.push(() => listener(key, old, value)))
      }
    }
    return {
      persistence: 'local' as Persistence,
      getItem: key => this.items.get(key) ?? null,
      setItem: (key, value) => write(key, value),
      removeItem: key => write(key, null),
      isDurable: () => true,
      onChange: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }
  }

  deliver(): void {
    // Frames that kept answering each other's writes would never settle: fail instead of spinning.
    for (let i = 0; this.queue.length > 0; i++) {
      if (i > 1_000)
        throw new Error(`The frames did not converge: ${this.log.slice(-6).join('\n')}`)
      this.queue.shift()!()
    }
  }
}

interface Frame { h: Harness, pinia: Pinia }

async function signedIn(options: { storage?: AppStorage, extension?: string } = {}): Promise<Frame> {
  const h = createHarness({ storage: options.storage as MemoryStorage | undefined })
  const pinia = getActivePinia()!
  useHistoryStore() // created with the app, as App.vue does
  await useAgentStore().signIn({ extension: options.extension ?? '1001', password: 'pw', displayName: '' })
  h.hubspot.sent.length = 0
  h.sip.actions.length = 0
  return { h, pinia }
}

const settled = async (): Promise<void> => {
  await new Promise<void>(resolve => queueMicrotask(resolve))
  await Promise.resolve()
}

async function outboundCall(h: Harness, number: string, callId: string, end: () => void, pinia?: Pinia): Promise<void> {
  h.sip.nextCallId = callId
  await useCallStore(pinia).dial(number, { fromHubSpot: false })
  await settled()
  end()
}

function ring(h: Harness, callId: string, fromNumber = '+442079460700', displayName = 'Ada L'): void {
  h.sip.emit('incomingCall', { callId, fromNumber, displayName })
}

describe('history store: recording calls', () => {
  it('records an answered outbound call with its times and status, and the outcome HubSpot saved', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    const history = useHistoryStore()
    h.clock.now += 1_000
    await outboundCall(h, '020 7946 0600', 'out-1@pbx', () => {
      h.clock.now += 2_000
      h.sip.emit('callAnswered', { callId: 'out-1@pbx' })
      h.clock.now += 5_000
      h.sip.emit('callEnded', { callId: 'out-1@pbx', cause: { type: 'hangup', by: 'local' } })
    })
    const start = h.clock.now - 7_000
    expect(history.entries).toEqual([{
      callId: 'out-1@pbx', direction: 'OUTBOUND', number: '+442079460600', display: '+44 20 7946 0600',
      extensionSequence: null, name: null, callee: null, startedAt: start, answeredAt: start + 2_000, endedAt: start + 7_000,
      endStatus: 'COMPLETED', outcomeId: null,
    }])
    h.hubspot.emit('engagementCreated', { engagementId: 5 })
    call.wrapUp.outcomeId = CONNECTED
    call.saveCall()
    expect(history.entries[0]?.outcomeId).toBeNull() // not saved until HubSpot confirms
    h.hubspot.emit('engagementUpdated', { engagementId: 5 })
    expect(history.entries[0]?.outcomeId).toBe(CONNECTED)
    expect(parseHistory(h.storage.getItem(historyKey(AGENT))).entries[0]?.outcomeId).toBe(CONNECTED)
  })

  it('HubSpot hears CALL_ENDED before the history writes its entry (the write is off HubSpot\'s critical path)', async () => {
    const { h } = await signedIn()
    const written: boolean[] = []
    const told = h.hubspot.callEnded
    h.hubspot.callEnded = (data) => {
      written.push(h.storage.getItem(historyKey(AGENT)) !== null)
      told(data)
    }
    await outboundCall(h, '600', 'first@pbx', () => h.sip.emit('callEnded', { callId: 'first@pbx', cause: { type: 'hangup', by: 'local' } }))
    expect(written).toEqual([false])
    expect(parseHistory(h.storage.getItem(historyKey(AGENT))).entries.map(e => e.callId)).toEqual(['first@pbx'])
  })

  it('a save HubSpot confirms after its agent signed out still lands on that agent\'s history', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    await outboundCall(h, '600', 'late@pbx', () => h.sip.emit('callEnded', { callId: 'late@pbx', cause: { type: 'canceled' } }))
    h.hubspot.emit('engagementCreated', { engagementId: 8 })
    call.wrapUp.outcomeId = CONNECTED
    call.saveCall()
    const agent = useAgentStore()
    await agent.signOut()
    h.hubspot.emit('engagementUpdated', { engagementId: 8 })
    expect(parseHistory(h.storage.getItem(historyKey(AGENT))).entries.map(e => [e.callId, e.outcomeId])).toEqual([['late@pbx', CONNECTED]])
    await agent.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(useHistoryStore().entries[0]?.outcomeId).toBe(CONNECTED)
  })

  it('a wrap-up closed without saving records no outcome', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    await outboundCall(h, '600', 'c@pbx', () => h.sip.emit('callEnded', { callId: 'c@pbx', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } }))
    h.hubspot.emit('engagementCreateFailed', { message: 'no' })
    call.requestClose()
    expect(call.phase).toBe('idle')
    expect(useHistoryStore().entries[0]).toMatchObject({ endStatus: 'BUSY', outcomeId: null, answeredAt: null })
  })

  it('an inbound call keeps the caller\'s name; newest first; missed calls counted until the history is seen', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    const history = useHistoryStore()
    ring(h, 'in-1@pbx')
    h.clock.now += 4_000
    h.sip.emit('callEnded', { callId: 'in-1@pbx', cause: { type: 'missed' } })
    call.requestClose()
    h.clock.now += 60_000
    ring(h, 'in-2@pbx', '1006', '')
    h.sip.emit('callEnded', { callId: 'in-2@pbx', cause: { type: 'declined' } })
    call.requestClose()
    expect(history.entries.map(e => [e.callId, e.name, e.endStatus])).toEqual([['in-2@pbx', null, 'REJECTED'], ['in-1@pbx', 'Ada L', 'MISSED']])
    expect(history.missedCount).toBe(1)
    history.show()
    expect(history.missedCount).toBe(0)
    expect(history.open).toBe(true)
    // A call takes the screen from the history.
    ring(h, 'in-3@pbx')
    await nextTick()
    expect(history.open).toBe(false)
  })

  it('a call answered on another phone is listed, not missed', async () => {
    const { h } = await signedIn()
    ring(h, 'rg@pbx')
    h.sip.emit('callEnded', { callId: 'rg@pbx', cause: { type: 'answered-elsewhere' } })
    expect(useCallStore().phase).toBe('idle')
    expect(useHistoryStore().entries).toMatchObject([{ callId: 'rg@pbx', endStatus: 'CANCELED' }])
    expect(useHistoryStore().missedCount).toBe(0)
  })

  it('the same call ending again (a late event) stays one entry', async () => {
    const { h } = await signedIn()
    await outboundCall(h, '600', 'x@pbx', () => h.sip.emit('callEnded', { callId: 'x@pbx', cause: { type: 'canceled' } }))
    h.sip.emit('callEnded', { callId: 'x@pbx', cause: { type: 'canceled' } })
    expect(useHistoryStore().entries).toHaveLength(1)
  })

  it('keeps its entries as plain objects (no reactive proxy per entry and field), and still tells the screen of each change', async () => {
    const { h } = await signedIn()
    const history = useHistoryStore()
    const missed: number[] = []
    watch(() => history.missedCount, count => missed.push(count), { flush: 'sync' })
    ring(h, 'in-1@pbx')
    h.sip.emit('callEnded', { callId: 'in-1@pbx', cause: { type: 'missed' } })
    useCallStore().requestClose()
    h.clock.now += 60_000
    await outboundCall(h, '020 7946 0600', 'out-1@pbx', () => h.sip.emit('callEnded', { callId: 'out-1@pbx', cause: { type: 'canceled' } }))

    expect(history.entries.map(entry => entry.callId)).toEqual(['out-1@pbx', 'in-1@pbx'])
    expect(history.entries.some(entry => isProxy(entry))).toBe(false)
    expect(isProxy(history.entries)).toBe(false)
    history.show()
    expect(missed).toEqual([1, 0])
  })
})

describe('history store: per agent, bounded storage rules', () => {
  it('a reload keeps the history (localStorage); another agent never sees it', async () => {
    const storage = new MemoryStorage('local')
    const first = await signedIn({ storage })
    await outboundCall(first.h, '600', 'a@pbx', () => first.h.sip.emit('callEnded', { callId: 'a@pbx', cause: { type: 'canceled' } }))
    useCallStore().requestClose()
    const reloaded = await signedIn({ storage })
    expect(useHistoryStore().entries.map(e => e.callId)).toEqual(['a@pbx'])
    void reloaded
    await signedIn({ storage, extension: '1002' })
    expect(useHistoryStore().entries).toEqual([])
    expect(useHistoryStore().kept).toBe('kept')
  })

  it('signing out hides the history; the next agent on the same page starts empty', async () => {
    const { h } = await signedIn()
    await outboundCall(h, '600', 'a@pbx', () => h.sip.emit('callEnded', { callId: 'a@pbx', cause: { type: 'canceled' } }))
    useCallStore().requestClose()
    const agent = useAgentStore()
    await agent.signOut()
    expect(useHistoryStore().entries).toEqual([])
    await agent.signIn({ extension: '1002', password: 'pw', displayName: '' })
    expect(useHistoryStore().entries).toEqual([])
    await agent.signOut()
    await agent.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(useHistoryStore().entries.map(e => e.callId)).toEqual(['a@pbx'])
  })

  it.each(['cookie', 'memory'] as const)('on %s storage the history stays in the page: the drafts\' cookie budget is never used', async (persistence) => {
    const storage = new MemoryStorage(persistence)
    const { h } = await signedIn({ storage })
    await outboundCall(h, '600', 'a@pbx', () => h.sip.emit('callEnded', { callId: 'a@pbx', cause: { type: 'canceled' } }))
    expect(useHistoryStore().entries).toHaveLength(1)
    expect([...storage.items.keys()].filter(k => k.startsWith('softphone:history'))).toEqual([])
    expect(useHistoryStore().kept).toBe(persistence === 'cookie' ? 'page-only' : 'not-kept')
  })

  it('a write the browser refuses (quota) says the latest calls will not survive a reload', async () => {
    const storage = new MemoryStorage('local')
    storage.isDurable = (key: string) => !key.startsWith('softphone:history')
    const { h } = await signedIn({ storage })
    await outboundCall(h, '600', 'a@pbx', () => h.sip.emit('callEnded', { callId: 'a@pbx', cause: { type: 'canceled' } }))
    expect(useHistoryStore().kept).toBe('full')
  })
})

describe('history store: several frames of one browser (one storage partition)', () => {
  async function twoFrames(): Promise<{ partition: SharedPartition, a: Frame, b: Frame }> {
    const partition = new SharedPartition()
    const a = await signedIn({ storage: partition.frame() })
    const b = await signedIn({ storage: partition.frame() })
    partition.deliver()
    return { partition, a, b }
  }
  const historyOf = (f: Frame) => useHistoryStore(f.pinia)
  const stored = (p: SharedPartition) => parseHistory(p.items.get(historyKey(AGENT)) ?? null)

  it('the same call recorded by two frames is one entry in both, with the outcome one of them saved', async () => {
    const { partition, a, b } = await twoFrames()
    for (const f of [a, b]) {
      f.h.sip.emit('incomingCall', { callId: 'in@pbx', fromNumber: '+442079460700', displayName: 'Ada L' })
      f.h.sip.emit('callAnswered', { callId: 'in@pbx' })
      f.h.clock.now += 3_000 + (f === b ? 7 : 0) // each frame's own clock
      f.h.sip.emit('callEnded', { callId: 'in@pbx', cause: { type: 'hangup', by: 'remote' } })
    }
    partition.deliver()
    a.h.hubspot.emit('engagementCreated', { engagementId: 9 })
    const callA = useCallStore(a.pinia)
    callA.wrapUp.outcomeId = CONNECTED
    callA.saveCall()
    a.h.hubspot.emit('engagementUpdated', { engagementId: 9 })
    partition.deliver()
    for (const f of [a, b])
      expect(historyOf(f).entries.map(e => [e.callId, e.outcomeId])).toEqual([['in@pbx', CONNECTED]])
    expect(stored(partition).entries).toHaveLength(1)
  })

  it('two frames writing different calls at once converge on both calls', async () => {
    const { partition, a, b } = await twoFrames()
    await outboundCall(a.h, '600', 'from-a@pbx', () => a.h.sip.emit('callEnded', { callId: 'from-a@pbx', cause: { type: 'canceled' } }), a.pinia)
    // b has not heard a's write yet (the storage event is still queued) and writes its own call.
    partition.items.delete(historyKey(AGENT))
    b.h.clock.now += 10
    await outboundCall(b.h, '601', 'from-b@pbx', () => b.h.sip.emit('callEnded', { callId: 'from-b@pbx', cause: { type: 'canceled' } }), b.pinia)
    partition.deliver()
    const ids = ['from-b@pbx', 'from-a@pbx']
    expect(historyOf(a).entries.map(e => e.callId)).toEqual(ids)
    expect(historyOf(b).entries.map(e => e.callId)).toEqual(ids)
    expect(stored(partition).entries.map(e => e.callId)).toEqual(ids)
  })

  it('seeing the history in one frame clears the missed count in the others', async () => {
    const { partition, a, b } = await twoFrames()
    for (const f of [a, b]) {
      f.h.sip.emit('incomingCall', { callId: 'm@pbx', fromNumber: '+442079460700', displayName: '' })
      f.h.sip.emit('callEnded', { callId: 'm@pbx', cause: { type: 'missed' } })
      useCallStore(f.pinia).requestClose()
    }
    partition.deliver()
    expect(historyOf(a).missedCount).toBe(1)
    expect(historyOf(b).missedCount).toBe(1)
    a.h.clock.now += 1_000
    historyOf(a).show()
    partition.deliver()
    expect(historyOf(b).missedCount).toBe(0)
  })
})

describe('history store: redial', () => {
  it('dials through the call store, with the extension and the record of the original call', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    h.sip.nextCallId = 'e@pbx'
    await call.dial('+44 20 7946 0607 ext. 1234', { fromHubSpot: false, callee: { objectId: 42, objectType: 'CONTACT' } })
    h.sip.emit('callEnded', { callId: 'e@pbx', cause: { type: 'canceled' } })
    call.requestClose()
    const history = useHistoryStore()
    h.sip.actions.length = 0
    h.sip.nextCallId = 'e2@pbx'
    expect(await history.redial(history.entries[0]!)).toBe(true)
    expect(h.sip.actions).toEqual(['call:+442079460607'])
    expect(call.call).toMatchObject({ toNumber: '+442079460607', extension: { digits: '1234' }, callee: { objectId: 42, objectType: 'CONTACT' } })
  })

  it('goes through the call store\'s checks: refused with a notice while a wrap-up is open', async () => {
    const { h } = await signedIn()
    const call = useCallStore()
    await outboundCall(h, '600', 'a@pbx', () => h.sip.emit('callEnded', { callId: 'a@pbx', cause: { type: 'canceled' } }))
    h.sip.actions.length = 0
    expect(await useHistoryStore().redial(useHistoryStore().entries[0]!)).toBe(false)
    expect(h.sip.actions).toEqual([])
    expect(call.notices.at(-1)?.text).toBe('Save the last call before placing another one.')
  })
})
