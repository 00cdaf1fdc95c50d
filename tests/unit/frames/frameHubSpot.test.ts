// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFrameHubSpot } from '@/frames/frameHubSpot'
import { CALLING_WINDOW } from '@/frames/framePhone'
import type { CallCompletedPayload, CallEndedPayload, HubSpotEvents, HubSpotPort, OutgoingCallPayload } from '@/hubspot/types'
import type { FrameLocation } from '@/frames/protocol'
import { FRAME_PROTOCOL_VERSION } from '@/frames/protocol'
import { FakeHubSpot } from '../fakes'
import type { Bus, TestChannel } from './bus'
import { createBus } from './bus'
import type { Profile, TestFrame } from './frames'
import { createProfile } from './frames'

interface Frame {
  id: string
  /** What this frame's own HubSpot received. */
  hubspot: FakeHubSpot
  /** The port this frame's stores use. */
  port: HubSpotPort
  channel: TestChannel
  replaying: boolean
}

let bus: Bus
/** callId → reporter frame id, as every frame's phone knows it. */
let reporters: Map<string, string>

/** Who reports a call changed: every frame's port is told (as the frame phone tells it). */
const reporterChanged = new Set<() => void>()
function setReporter(callId: string, reporter: string): void {
  reporters.set(callId, reporter)
  for (const handler of [...reporterChanged])
    handler()
}

function frame(id: string): Frame {
  const hubspot = new FakeHubSpot()
  const f: Frame = { id, hubspot, port: undefined as never, channel: bus.channel(id), replaying: false }
  f.port = createFrameHubSpot(hubspot, {
    frameId: id,
    reporterOf: callId => reporters.get(callId),
    replaying: () => f.replaying,
    onReporterChange: (handler) => {
      reporterChanged.add(handler)
      return () => reporterChanged.delete(handler)
    },
  }, f.channel)
  return f
}

const outgoing = (callId: string): OutgoingCallPayload => ({ externalCallId: callId, toNumber: '+442079460000', fromNumber: '1001', callStartTime: 1_700_000_000_000, createEngagement: true })
const ended = (callId: string): CallEndedPayload => ({ externalCallId: callId, engagementId: 7, callEndStatus: 'COMPLETED' })
const completed = (callId: string, body: string): CallCompletedPayload => ({
  externalCallId: callId,
  engagementId: 7,
  hideWidget: false,
  engagementProperties: { hs_timestamp: 1, hs_call_body: body, hs_call_duration: '1000', hs_call_status: 'COMPLETED', hs_call_to_number: '+442079460000', hs_call_from_number: '1001', hs_call_direction: 'OUTBOUND' },
})

/** Every call fact the stores of a frame send, as each frame's call store does while it follows the call. */
function storesFollowTheCall(f: Frame, callId: string): void {
  f.port.outgoingCall(outgoing(callId))
  f.port.callAnswered({ externalCallId: callId })
  f.port.callTransferred({ externalCallId: callId })
  f.port.callEnded(ended(callId))
}

beforeEach(() => {
  bus = createBus()
  reporters = new Map()
  reporterChanged.clear()
})

describe('HubSpot hears each call fact once, from the call\'s reporter', () => {
  it('whichever frames send the once-facts, and in whichever order, the reporter\'s HubSpot gets each once and the others none', async () => {
    const [r, m, n] = [frame('r'), frame('m'), frame('n')]
    reporters.set('c1', 'r')
    storesFollowTheCall(m, 'c1')
    await bus.flush()
    storesFollowTheCall(r, 'c1')
    storesFollowTheCall(n, 'c1')
    await bus.flush()
    expect(r.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callTransferred', 'callEnded'])
    expect(r.hubspot.last('outgoingCall')).toEqual(outgoing('c1'))
    expect(m.hubspot.sent).toEqual([])
    expect(n.hubspot.sent).toEqual([])
    expect(bus.unreadable).toEqual([])
  })

  it('incomingCall too, and a second call is a new call', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('in-1', 'r').set('in-2', 'r')
    const incoming = (callId: string) => ({ externalCallId: callId, fromNumber: '+15550100', toNumber: '1001', callStartTime: 1, createEngagement: true as const })
    for (const f of [m, r]) {
      f.port.incomingCall(incoming('in-1'))
      f.port.incomingCall(incoming('in-2'))
    }
    await bus.flush()
    expect(r.hubspot.sent.map(s => (s.data as { externalCallId: string }).externalCallId)).toEqual(['in-1', 'in-2'])
    expect(m.hubspot.sent).toEqual([])
  })

  it('the agent\'s Save in a frame that does not report goes to the reporter\'s HubSpot, once; a retry after HubSpot refused it goes out again', async () => {
    const [r, m, o] = [frame('r'), frame('m'), frame('o')]
    reporters.set('c1', 'r')
    m.port.callCompleted(completed('c1', 'Notes typed in m'))
    // Every frame completes a call answered elsewhere (no wrap-up): HubSpot gets one.
    o.port.callCompleted(completed('c1', 'Notes typed in m'))
    await bus.flush()
    expect(r.hubspot.sent).toEqual([{ type: 'callCompleted', data: completed('c1', 'Notes typed in m') }])
    r.hubspot.emit('engagementUpdateFailed', { message: 'HubSpot is down' })
    m.port.callCompleted(completed('c1', 'Notes typed in m, saved again'))
    await bus.flush()
    expect(r.hubspot.sent).toEqual([
      { type: 'callCompleted', data: completed('c1', 'Notes typed in m') },
      { type: 'callCompleted', data: completed('c1', 'Notes typed in m, saved again') },
    ])
    expect(m.hubspot.sent).toEqual([])
  })

  it('the agent\'s Save after the reporter\'s tab closed goes to this frame\'s HubSpot, not to the frame that is gone', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('c1', 'r')
    // The reporter's page closes (the frame phone says bye on pagehide).
    r.channel.post({ type: 'bye' })
    await bus.flush()
    m.port.callCompleted(completed('c1', 'Notes'))
    await bus.flush()
    expect(m.hubspot.sent).toEqual([{ type: 'callCompleted', data: completed('c1', 'Notes') }])
    expect(r.hubspot.sent).toEqual([])
  })

  it('a call HubSpot asked for while its calling window opens: the facts wait, in order, and the window\'s HubSpot hears them', async () => {
    const [tab, win] = [frame('tab'), frame('win')]
    setReporter('c1', CALLING_WINDOW)
    storesFollowTheCall(tab, 'c1')
    await bus.flush()
    expect(tab.hubspot.sent).toEqual([])
    setReporter('c1', 'win')
    await bus.flush()
    expect(win.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callTransferred', 'callEnded'])
    expect(tab.hubspot.sent).toEqual([])
  })

  it('a call whose reporter this frame does not know (no frames, or before the phone said) is told to this frame\'s HubSpot', () => {
    const f = frame('f')
    storesFollowTheCall(f, 'c1')
    expect(f.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callTransferred', 'callEnded'])
    expect(bus.posted).toEqual([])
  })

  it('nothing is sent, here or to the reporter, while a frame replays what happened before it arrived', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('c1', 'r').set('c2', 'm')
    m.replaying = true
    storesFollowTheCall(m, 'c1')
    storesFollowTheCall(m, 'c2')
    m.port.callCompleted(completed('c1', ''))
    await bus.flush()
    expect(r.hubspot.sent).toEqual([])
    expect(m.hubspot.sent).toEqual([])
    expect(bus.posted).toEqual([])
    // Once the replay is over, the same frame reports again.
    m.replaying = false
    m.port.callEnded(ended('c2'))
    expect(m.hubspot.types()).toEqual(['callEnded'])
  })

  it('everything else goes to the frame\'s own HubSpot (each HubSpot page keeps its own state)', async () => {
    const [r, m] = [frame('r'), frame('m')]
    m.port.initialized({ isLoggedIn: true })
    m.port.userLoggedIn()
    m.port.userUnavailable()
    m.port.sendError({ message: 'x' })
    await bus.flush()
    expect(m.hubspot.types()).toEqual(['initialized', 'userLoggedIn', 'userUnavailable', 'sendError'])
    expect(r.hubspot.sent).toEqual([])
  })

  it('a frame of another build cannot make the reporter send anything but a call fact, nor one without a call id', async () => {
    const r = frame('r')
    const from = 'other-build'
    const send = (method: string, payload: unknown) => bus.inject({ v: FRAME_PROTOCOL_VERSION, from, type: 'hubspot-send', to: 'r', method, payload })
    send('navigateToRecord', { externalCallId: 'c1', objectCoordinates: { portalId: 1, objectId: 2, objectTypeId: '0-1' } })
    send('userLoggedOut', { externalCallId: 'c1' })
    send('callEnded', { callEndStatus: 'COMPLETED' })
    send('callEnded', { externalCallId: 7 })
    send('callEnded', 'c1')
    await bus.flush()
    expect(r.hubspot.sent).toEqual([])
    send('callEnded', ended('c1'))
    await bus.flush()
    expect(r.hubspot.types()).toEqual(['callEnded'])
  })
})

describe('HubSpot\'s answers about a call reach every frame', () => {
  function heard<K extends keyof HubSpotEvents>(f: Frame, event: K): Array<HubSpotEvents[K]> {
    const payloads: Array<HubSpotEvents[K]> = []
    f.port.on(event, payload => payloads.push(payload))
    return payloads
  }

  it('the engagement HubSpot created, named by the order the calls were announced when HubSpot did not name it', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('c1', 'r').set('c2', 'r')
    const inR = heard(r, 'engagementCreated')
    const inM = heard(m, 'engagementCreated')
    const failedInM = heard(m, 'engagementCreateFailed')
    m.port.outgoingCall(outgoing('c1'))
    await bus.flush()
    r.port.outgoingCall(outgoing('c1'))
    r.port.outgoingCall(outgoing('c2'))
    await bus.flush()
    r.hubspot.emit('engagementCreated', { engagementId: 11 })
    r.hubspot.emit('engagementCreateFailed', { message: 'No portal access' })
    await bus.flush()
    expect(inM).toEqual([{ engagementId: 11, externalCallId: 'c1' }])
    expect(failedInM).toEqual([{ message: 'No portal access', externalCallId: 'c2' }])
    // The reporter's own stores hear its HubSpot as it spoke.
    expect(inR).toEqual([{ engagementId: 11 }])
  })

  it('an answer that names its call takes that call out of the order', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('c1', 'r').set('c2', 'r')
    const inM = heard(m, 'engagementCreated')
    r.port.outgoingCall(outgoing('c1'))
    r.port.outgoingCall(outgoing('c2'))
    r.hubspot.emit('engagementCreated', { engagementId: 22, externalCallId: 'c2' })
    r.hubspot.emit('engagementCreated', { engagementId: 11 })
    await bus.flush()
    expect(inM).toEqual([{ engagementId: 22, externalCallId: 'c2' }, { engagementId: 11, externalCallId: 'c1' }])
  })

  it('an answer with no call waiting for one is passed on as HubSpot gave it', async () => {
    const [r, m] = [frame('r'), frame('m')]
    reporters.set('c1', 'r')
    const inM = heard(m, 'engagementCreated')
    r.port.outgoingCall(outgoing('c1'))
    r.hubspot.emit('engagementCreated', { engagementId: 11 })
    r.hubspot.emit('engagementCreated', { engagementId: 12 })
    await bus.flush()
    expect(inM).toEqual([{ engagementId: 11, externalCallId: 'c1' }, { engagementId: 12 }])
  })

  it('updates and caller-id matches reach the other frames; a removed handler hears nothing more', async () => {
    const [r, m] = [frame('r'), frame('m')]
    const updated = heard(m, 'engagementUpdated')
    const matches: unknown[] = []
    const off = m.port.on('callerIdMatchSucceeded', payload => matches.push(payload))
    const match = { callerIdType: 'CONTACT' as const, objectCoordinates: { portalId: 1, objectId: 51, objectTypeId: '0-1' as const }, firstName: 'Bob', lastName: 'B', email: 'b@example.com' }
    r.hubspot.emit('callerIdMatchSucceeded', { matches: [match] })
    r.hubspot.emit('engagementUpdated', { engagementId: 11 })
    await bus.flush()
    expect(matches).toEqual([{ matches: [match] }])
    expect(updated).toEqual([{ engagementId: 11 }])
    off()
    r.hubspot.emit('callerIdMatchSucceeded', { matches: [match] })
    m.hubspot.emit('callerIdMatchSucceeded', { matches: [match] })
    await bus.flush()
    expect(matches).toHaveLength(1)
  })

  it('drops a shared answer of a shape this build does not know', async () => {
    const m = frame('m')
    const created = heard(m, 'engagementCreated')
    const failed = heard(m, 'engagementUpdateFailed')
    const matched = heard(m, 'callerIdMatchSucceeded')
    const answer = (event: string, payload: unknown) => bus.inject({ v: FRAME_PROTOCOL_VERSION, from: 'other-build', type: 'hubspot-answer', event, payload })
    answer('engagementCreated', { engagementId: '11' })
    answer('engagementCreated', { engagementId: 11, externalCallId: 5 })
    answer('engagementCreated', null)
    answer('engagementCreated', 11)
    answer('engagementUpdateFailed', { reason: 'x' })
    answer('callerIdMatchSucceeded', { matches: [] })
    answer('callerIdMatchSucceeded', { matches: 'Bob' })
    answer('dialNumber', { request: { phoneNumber: '+1555' } })
    answer('endCall', {})
    await bus.flush()
    expect([created, failed, matched]).toEqual([[], [], []])
    answer('engagementCreated', { engagementId: 11, externalCallId: 'c1' })
    await bus.flush()
    expect(created).toEqual([{ engagementId: 11, externalCallId: 'c1' }])
  })
})

describe('with the frame phone deciding the reporter', () => {
  let profile: Profile
  beforeEach(() => {
    profile = createProfile()
  })
  afterEach(async () => {
    await profile.disposeAll()
  })

  /** A frame whose stores send every call fact they see, as the call store does, through the frame HubSpot. */
  async function frameWithStores(id: string, location: FrameLocation = 'remote'): Promise<TestFrame & { hubspot: FakeHubSpot }> {
    const f = await profile.frame(id, { location })
    const hubspot = new FakeHubSpot()
    const port = createFrameHubSpot(hubspot, f.phone, f.channel)
    f.phone.on('callStarted', ({ callId }) => port.outgoingCall(outgoing(callId)))
    f.phone.on('incomingCall', ({ callId, fromNumber }) => port.incomingCall({ externalCallId: callId, fromNumber, toNumber: '1001', callStartTime: 1, createEngagement: true }))
    f.phone.on('callAnswered', ({ callId }) => port.callAnswered({ externalCallId: callId }))
    f.phone.on('callEnded', ({ callId }) => port.callEnded(ended(callId)))
    return Object.assign(f, { hubspot })
  }

  const settled = async () => {
    for (let i = 0; i < 5; i++)
      await profile.bus.flush()
  }

  it('without a calling window, a call dialed from a tab is told by that tab\'s HubSpot only, and a tab arriving mid-call adds nothing', async () => {
    const a = await frameWithStores('a')
    await vi.waitFor(() => expect(a.phone.isOwner()).toBe(true))
    const b = await frameWithStores('b')
    await settled()
    await b.phone.register({ user: '1001', password: 'pw' })
    const { callId } = await b.phone.call('+442079460000')
    a.local.emit('callAnswered', { callId })
    await vi.waitFor(() => expect(b.hubspot.types()).toEqual(['outgoingCall', 'callAnswered']))
    const c = await frameWithStores('c')
    await vi.waitFor(() => expect(c.phone.reporterOf(callId)).toBe('b'))
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    await vi.waitFor(() => expect(b.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callEnded']))
    await settled()
    expect(a.hubspot.sent).toEqual([])
    expect(c.hubspot.sent).toEqual([])
    expect(b.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callEnded'])
  })

  it('with a calling window, an inbound call is told by the window\'s HubSpot only', async () => {
    const a = await frameWithStores('a')
    await vi.waitFor(() => expect(a.phone.isOwner()).toBe(true))
    const w = await frameWithStores('w', 'window')
    await vi.waitFor(() => expect(w.phone.isOwner()).toBe(true))
    await settled()
    w.local.emit('incomingCall', { callId: 'in-1', fromNumber: '+15550100', displayName: '' })
    await vi.waitFor(() => expect(a.phone.reporterOf('in-1')).toBe('w'))
    await settled()
    expect(w.hubspot.types()).toEqual(['incomingCall'])
    expect(a.hubspot.sent).toEqual([])
  })
})
