/**
 * The wrap-up when HubSpot fails: no engagement, a save before the engagement exists, saves that keep
 * failing, and drafts that must never follow the wrong agent. HubSpot must never lock the agent out of calling.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import { draftKey } from '@/stores/call/draft'
import { ENGAGEMENT_WAIT_MS } from '@/stores/call/wrapUp'
import type { Harness } from '../fakes'
import { createHarness, MemoryStorage } from '../fakes'

afterEach(() => {
  vi.useRealTimers()
})

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

async function endedCall(options: { storage?: MemoryStorage, extension?: string, engagement?: 'created' | 'failed' | 'pending' } = {}) {
  const h = createHarness({ storage: options.storage })
  const agent = useAgentStore()
  await agent.signIn({ extension: options.extension ?? '1001', password: 'pw', displayName: '' })
  const call = useCallStore()
  h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460602' } })
  await settle()
  if (options.engagement === 'created' || options.engagement === undefined)
    h.hubspot.emit('engagementCreated', { engagementId: 4242 })
  if (options.engagement === 'failed')
    h.hubspot.emit('engagementCreateFailed', { message: 'Simulated: HubSpot could not create the engagement.' })
  h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
  expect(call.phase).toBe('ended')
  return { h, agent, call }
}
const completed = (h: Harness) => h.hubspot.sent.filter(m => m.type === 'callCompleted')

describe('HubSpot never created the engagement', () => {
  it('says HubSpot has no record, sends no callCompleted, and lets the agent close the wrap-up (asked once when there are notes)', async () => {
    const { h, call } = await endedCall({ engagement: 'failed' })
    expect(call.noRecord).toBe(true)
    call.wrapUp.notes = 'Customer wants a quote'
    call.saveCall()
    expect(completed(h)).toHaveLength(0)
    call.requestClose()
    expect(call.wrapUp.confirmingClose).toBe(true)
    expect(call.phase).toBe('ended')
    call.cancelClose()
    expect(call.wrapUp.confirmingClose).toBe(false)
    expect(call.wrapUp.notes).toBe('Customer wants a quote')
    call.requestClose()
    call.confirmClose()
    expect(call.phase).toBe('idle')
    expect(h.storage.getItem(draftKey('1001@pbx.test'))).toBeNull()
    expect(completed(h)).toHaveLength(0)
  })

  it('closes at once when nothing was typed, and the next dial goes out', async () => {
    const { h, call } = await endedCall({ engagement: 'failed' })
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460600' } })
    await settle()
    expect(h.sip.actions.filter(a => a.startsWith('call:'))).toHaveLength(1)
    expect(h.hubspot.last('sendError')).toEqual({ message: 'Close the last call\'s wrap-up before placing another one: HubSpot has no record of it to save.' })
    call.requestClose()
    expect(call.phase).toBe('idle')
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460600' } })
    await settle()
    expect(h.sip.actions.filter(a => a.startsWith('call:'))).toHaveLength(2)
  })

  it('a closed wrap-up does not come back after a reload or a sign-out and sign-in', async () => {
    const storage = new MemoryStorage('local')
    const { call, agent } = await endedCall({ storage, engagement: 'failed' })
    call.wrapUp.notes = 'copied elsewhere'
    call.requestClose()
    call.confirmClose()
    await agent.signOut()
    await agent.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(call.phase).toBe('idle')
    createHarness({ storage })
    expect(useCallStore().phase).toBe('idle')
  })

  it('the no-record state survives a reload, so the agent can still copy the notes and close it', async () => {
    const storage = new MemoryStorage('local')
    const { call } = await endedCall({ storage, engagement: 'failed' })
    call.wrapUp.notes = 'still here'
    createHarness({ storage })
    const reloaded = useCallStore()
    expect(reloaded.phase).toBe('ended')
    expect(reloaded.noRecord).toBe(true)
    expect(reloaded.wrapUp.notes).toBe('still here')
  })
})

describe('Save before HubSpot has created the engagement', () => {
  it('waits for the engagement and then sends callCompleted once, with its id', async () => {
    vi.useFakeTimers()
    const { h, call } = await endedCall({ engagement: 'pending' })
    call.wrapUp.notes = 'quick save'
    call.saveCall()
    expect(call.wrapUp.waitingForEngagement).toBe(true)
    expect(call.wrapUp.saving).toBe(true)
    expect(completed(h)).toHaveLength(0)
    call.saveCall() // a second click changes nothing
    vi.advanceTimersByTime(2_000)
    h.hubspot.emit('engagementCreated', { engagementId: 777 })
    expect(call.wrapUp.waitingForEngagement).toBe(false)
    expect(completed(h)).toHaveLength(1)
    expect(completed(h)[0]!.data).toMatchObject({ engagementId: 777, externalCallId: 'call-1@test' })
    h.hubspot.emit('engagementUpdated', { engagementId: 777 })
    expect(call.phase).toBe('idle')
    expect(completed(h)).toHaveLength(1)
  })

  it('stops waiting when the creation fails: no record, nothing sent', async () => {
    const { h, call } = await endedCall({ engagement: 'pending' })
    call.saveCall()
    h.hubspot.emit('engagementCreateFailed', { message: 'Portal over its limit.' })
    expect(call.wrapUp.saving).toBe(false)
    expect(call.wrapUp.waitingForEngagement).toBe(false)
    expect(call.noRecord).toBe(true)
    expect(call.call?.engagementFailure).toBe('Portal over its limit.')
    expect(completed(h)).toHaveLength(0)
  })

  it('gives up after ENGAGEMENT_WAIT_MS: no record; a late engagement makes the call saveable again', async () => {
    vi.useFakeTimers()
    const { h, call } = await endedCall({ engagement: 'pending' })
    call.saveCall()
    vi.advanceTimersByTime(ENGAGEMENT_WAIT_MS - 1)
    expect(call.wrapUp.waitingForEngagement).toBe(true)
    vi.advanceTimersByTime(1)
    expect(call.noRecord).toBe(true)
    expect(call.call?.engagementFailure).toBe('HubSpot did not answer in time.')
    expect(call.wrapUp.saving).toBe(false)
    h.hubspot.emit('engagementCreated', { engagementId: 9 })
    expect(call.noRecord).toBe(false)
    call.saveCall()
    expect(completed(h)[0]!.data).toMatchObject({ engagementId: 9 })
  })
})

describe('a save HubSpot keeps refusing', () => {
  it('can be closed instead of retried for ever', async () => {
    const { h, call } = await endedCall()
    call.wrapUp.notes = 'notes'
    call.saveCall()
    h.hubspot.emit('engagementUpdateFailed', { message: 'HubSpot is down.' })
    expect(call.wrapUp.error).toContain('HubSpot is down.')
    call.requestClose()
    call.confirmClose()
    expect(call.phase).toBe('idle')
  })
})

describe('drafts belong to one agent', () => {
  it('sign-out parks the wrap-up; another agent never sees it; its owner gets it back on sign-in', async () => {
    const storage = new MemoryStorage('local')
    const { call, agent } = await endedCall({ storage, extension: '1001' })
    call.wrapUp.notes = 'agent 1001 notes'
    await agent.signOut()
    expect(call.phase).toBe('idle')
    expect(call.wrapUp.notes).toBe('')

    // After a reload the signed-out agent's wrap-up does not show to whoever is at the browser.
    createHarness({ storage })
    const reloaded = useCallStore()
    const next = useAgentStore()
    expect(reloaded.phase).toBe('idle')
    await next.signIn({ extension: '1002', password: 'pw', displayName: '' })
    expect(reloaded.phase).toBe('idle')
    await next.signOut()
    await next.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(reloaded.phase).toBe('ended')
    expect(reloaded.wrapUp.notes).toBe('agent 1001 notes')
  })

  it('HubSpot\'s answers that arrive after the sign-out still reach the parked wrap-up', async () => {
    const storage = new MemoryStorage('local')
    const { h, call, agent } = await endedCall({ storage, engagement: 'pending' })
    call.wrapUp.notes = 'signed out too fast'
    await agent.signOut()
    h.hubspot.emit('engagementCreated', { engagementId: 31 })
    await agent.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(call.call?.engagementId).toBe(31)
    call.saveCall()
    expect(completed(h).at(-1)!.data).toMatchObject({ engagementId: 31 })
  })

  it('a save confirmed after its agent signed out does not come back', async () => {
    const storage = new MemoryStorage('local')
    const { h, call, agent } = await endedCall({ storage })
    call.saveCall()
    await agent.signOut()
    h.hubspot.emit('engagementUpdated', { engagementId: 4242 })
    await agent.signIn({ extension: '1001', password: 'pw', displayName: '' })
    expect(call.phase).toBe('idle')
  })

  it('a reloaded widget takes the engagement id HubSpot gives in its SYNC for the open wrap-up', async () => {
    const storage = new MemoryStorage('local')
    const { call } = await endedCall({ storage, engagement: 'pending' })
    call.wrapUp.notes = 'reloaded before HubSpot answered'
    const h = createHarness({ storage })
    const reloaded = useCallStore()
    h.hubspot.emit('ready', { engagementId: 55, iframeLocation: 'remote' })
    reloaded.saveCall()
    expect(completed(h).at(-1)!.data).toMatchObject({ engagementId: 55 })
  })

  it('a reload without sign-out brings the wrap-up back before the agent signs in again', async () => {
    const storage = new MemoryStorage('local')
    const { call } = await endedCall({ storage })
    call.wrapUp.notes = 'mid-thought'
    createHarness({ storage })
    expect(useCallStore().wrapUp.notes).toBe('mid-thought')
  })

  it('a reload after HubSpot confirmed the save brings nothing back', async () => {
    const storage = new MemoryStorage('local')
    const { h, call } = await endedCall({ storage })
    call.saveCall()
    h.hubspot.emit('engagementUpdated', { engagementId: 4242 })
    createHarness({ storage })
    expect(useCallStore().phase).toBe('idle')
  })
})

describe('what the wrap-up says about keeping the draft', () => {
  it('kept where the storage is durable, not kept on memory, too long when the browser refuses the write', async () => {
    const durable = await endedCall({ storage: new MemoryStorage('local') })
    durable.call.wrapUp.notes = 'x'
    expect(durable.call.draftKept).toBe('kept')

    const memory = await endedCall({ storage: new MemoryStorage('memory') })
    expect(memory.call.draftKept).toBe('not-kept')

    const storage = new MemoryStorage('cookie')
    storage.isDurable = (key: string) => (storage.getItem(key)?.length ?? 0) < 2_000
    const limited = await endedCall({ storage })
    expect(limited.call.draftKept).toBe('kept')
    limited.call.wrapUp.notes = 'n'.repeat(3_000)
    expect(limited.call.draftKept).toBe('too-long')
  })
})

describe('HubSpot\'s engagement answers reach the call they are for', () => {
  it('a creation answered after the wrap-up gave up and closed goes to that call, not to the next one', async () => {
    vi.useFakeTimers()
    const { h, call } = await endedCall({ engagement: 'pending' })
    call.saveCall()
    vi.advanceTimersByTime(ENGAGEMENT_WAIT_MS)
    expect(call.noRecord).toBe(true)
    call.requestClose()
    h.sip.nextCallId = 'call-2@test'
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460602' } })
    await settle()
    h.sip.emit('callEnded', { callId: 'call-2@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    // The first call's late answer (unnamed), then the second's.
    h.hubspot.emit('engagementCreated', { engagementId: 5000001 })
    expect(call.call?.engagementId).toBeNull()
    h.hubspot.emit('engagementCreated', { engagementId: 5000002 })
    expect(call.call?.engagementId).toBe(5000002)
    call.wrapUp.notes = 'second call'
    call.saveCall()
    expect(completed(h).at(-1)!.data).toMatchObject({ engagementId: 5000002, externalCallId: 'call-2@test' })
  })

  it('an answer that names its call goes to that call whatever the order', async () => {
    const { h, call } = await endedCall({ engagement: 'pending' })
    h.hubspot.emit('engagementCreated', { engagementId: 1, externalCallId: 'someone-else@test' })
    expect(call.call?.engagementId).toBeNull()
    h.hubspot.emit('engagementCreated', { engagementId: 2, externalCallId: 'call-1@test' })
    expect(call.call?.engagementId).toBe(2)
  })

  it('a late creation failure for an earlier call does not mark the next call "no record"', async () => {
    vi.useFakeTimers()
    const { h, call } = await endedCall({ engagement: 'pending' })
    call.saveCall()
    vi.advanceTimersByTime(ENGAGEMENT_WAIT_MS)
    call.requestClose()
    h.sip.nextCallId = 'call-2@test'
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460602' } })
    await settle()
    h.sip.emit('callEnded', { callId: 'call-2@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    h.hubspot.emit('engagementCreateFailed', { message: 'late failure of call 1' })
    expect(call.noRecord).toBe(false)
  })
})

describe('the close prompt and the automatic retry', () => {
  it('the automatic retry does not take the prompt away from the agent', async () => {
    vi.useFakeTimers()
    const { h, call } = await endedCall()
    call.wrapUp.notes = 'notes'
    call.saveCall()
    h.hubspot.emit('engagementUpdateFailed', { message: 'down' })
    call.requestClose()
    vi.advanceTimersByTime(2_000)
    expect(call.wrapUp.confirmingClose).toBe(true)
  })
})

describe('notices belong to the agent who saw them', () => {
  it('signing out clears them', async () => {
    const { h, call, agent } = await endedCall({ engagement: 'failed' })
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460600' } })
    await settle()
    expect(call.notices.length).toBeGreaterThan(0)
    call.requestClose()
    await agent.signOut()
    expect(call.notices).toEqual([])
  })
})

describe('notes too long for the browser never cost the call record', () => {
  it('the engagement id is kept when the notes cannot be', async () => {
    const storage = new MemoryStorage('cookie')
    const refused = new Set<string>()
    const setItem = storage.setItem.bind(storage)
    storage.setItem = (key: string, value: string) => {
      if (key.startsWith('softphone:wrap-up-notes:') && value.length > 100) {
        refused.add(key)
        return
      }
      refused.delete(key)
      setItem(key, value)
    }
    storage.isDurable = (key: string) => !refused.has(key)
    const { h, call } = await endedCall({ storage, engagement: 'pending' })
    call.wrapUp.notes = 'n'.repeat(500)
    h.hubspot.emit('engagementCreated', { engagementId: 99 })
    expect(call.draftKept).toBe('too-long')
    createHarness({ storage })
    expect(useCallStore().call?.engagementId).toBe(99)
  })
})

describe('another HubSpot tab of the same browser', () => {
  /** Two frames sharing one localStorage, each told of the other's writes as the `storage` event does. */
  function sharedStorage() {
    const items = new Map<string, string>()
    const frames: { storage: MemoryStorage, listeners: ((k: string, o: string | null, n: string | null) => void)[] }[] = []
    const frame = () => {
      const storage = new MemoryStorage('local')
      Object.defineProperty(storage, 'items', { value: items })
      const self = { storage, listeners: [] as ((k: string, o: string | null, n: string | null) => void)[] }
      const tell = (key: string, oldValue: string | null, newValue: string | null) => {
        if (oldValue !== newValue)
          frames.filter(f => f !== self).forEach(f => f.listeners.forEach(l => l(key, oldValue, newValue)))
      }
      storage.setItem = (key, value) => {
        const old = items.get(key) ?? null
        items.set(key, value)
        tell(key, old, value)
      }
      storage.removeItem = (key) => {
        const old = items.get(key) ?? null
        items.delete(key)
        tell(key, old, null)
      }
      ;(storage as MemoryStorage & { onChange: unknown }).onChange = (l: (k: string, o: string | null, n: string | null) => void) => {
        self.listeners.push(l)
        return () => {}
      }
      frames.push(self)
      return storage
    }
    return { frame }
  }

  it('sees the notes typed in the other, and closes when the other saved it, sending nothing itself', async () => {
    const shared = sharedStorage()
    const a = await endedCall({ storage: shared.frame() })
    const hb = createHarness({ storage: shared.frame() })
    const b = useCallStore()
    expect(b.phase).toBe('ended')
    a.call.wrapUp.notes = 'typed in tab A'
    expect(b.wrapUp.notes).toBe('typed in tab A')
    a.call.wrapUp.outcomeId = '9d9162e7-6cf3-4944-bf63-4dff82258764'
    expect(b.wrapUp.outcomeId).toBe('9d9162e7-6cf3-4944-bf63-4dff82258764')
    a.call.saveCall()
    a.h.hubspot.emit('engagementUpdated', { engagementId: 4242 })
    expect(a.call.phase).toBe('idle')
    expect(b.phase).toBe('idle')
    expect(hb.hubspot.sent.filter(m => m.type === 'callCompleted')).toHaveLength(0)
  })
})
