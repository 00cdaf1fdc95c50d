import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import type { CallerIdMatch } from '@/hubspot/types'
import { CallError } from '@/sip/types'
import { useAvailabilityStore } from '@/stores/availability'
import { useCallStore } from '@/stores/call'
import { useWidgetStore } from '@/stores/widget'
import type { Harness } from '../fakes'
import { signedInHarness } from './signedIn'

const CALL_ID = 'inbound-1@pbx'
const ADA: CallerIdMatch = {
  callerIdType: 'CONTACT',
  objectCoordinates: { portalId: 123456, objectId: 9101, objectTypeId: '0-1' },
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.test',
}

const signedIn = (): Promise<Harness> => signedInHarness('1002')

function ring(h: Harness, fromNumber = '+442079460700', displayName = 'Ada L'): void {
  h.sip.emit('incomingCall', { callId: CALL_ID, fromNumber, displayName })
}

describe('call store: inbound calls', () => {
  it('rings: incoming phase, the caller shown, incomingCall sent to HubSpot', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    expect(call.phase).toBe('incoming')
    expect(call.active).toBe(true)
    expect(call.call).toMatchObject({ callId: CALL_ID, direction: 'INBOUND', fromNumber: '+442079460700', toNumber: '1002', display: '+44 20 7946 0700' })
    expect(call.caller).toEqual({ displayName: 'Ada L', lookup: 'pending', matches: [], chosen: null })
    expect(h.hubspot.sent).toEqual([{
      type: 'incomingCall',
      data: { externalCallId: CALL_ID, fromNumber: '+442079460700', toNumber: '1002', callStartTime: h.clock.now, createEngagement: true },
    }])
  })

  it('caller-id match: shows the match; the agent opens the record with the engagement', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('engagementCreated', { engagementId: 77 })
    h.hubspot.emit('callerIdMatchSucceeded', { matches: [ADA] })
    expect(call.caller).toMatchObject({ lookup: 'matched', matches: [ADA] })
    call.openRecord(ADA)
    expect(h.hubspot.last('navigateToRecord')).toEqual({ objectCoordinates: ADA.objectCoordinates, engagementId: 77 })
  })

  it('one caller-id match is the caller: the call is filed on that record', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('callerIdMatchSucceeded', { matches: [ADA] })
    expect(call.caller?.chosen).toEqual(ADA)
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    call.saveCall()
    expect(h.hubspot.last('callCompleted')).toMatchObject({ engagementProperties: { hs_call_callee_object_id: '9101', hs_call_callee_object_type: 'CONTACT' } })
  })

  it('several caller-id matches: none wins by being first; the agent picks (opens) whose record it is', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    const GRACE: CallerIdMatch = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 123456, objectId: 9102, objectTypeId: '0-1' }, firstName: 'Grace', lastName: 'Hopper', email: '' }
    const ACME: CallerIdMatch = { callerIdType: 'COMPANY', objectCoordinates: { portalId: 123456, objectId: 9201, objectTypeId: '0-2' }, name: 'Acme Ltd' }
    h.hubspot.emit('callerIdMatchSucceeded', { matches: [ADA, GRACE, ACME] })
    expect(call.caller).toMatchObject({ lookup: 'matched', matches: [ADA, GRACE, ACME], chosen: null })
    expect(h.hubspot.types()).toEqual(['incomingCall'])

    call.openRecord(ACME)
    expect(call.caller?.chosen).toEqual(ACME)
    expect(h.hubspot.last('navigateToRecord')).toEqual({ objectCoordinates: ACME.objectCoordinates })
    call.openRecord(GRACE)
    expect(call.caller?.chosen).toEqual(GRACE)

    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    call.saveCall()
    expect(h.hubspot.last('callCompleted')).toMatchObject({ engagementProperties: { hs_call_callee_object_id: '9102', hs_call_callee_object_type: 'CONTACT' } })
  })

  it('several matches and no pick: the call is filed on none of them (HubSpot files it by number)', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    const ACME: CallerIdMatch = { callerIdType: 'COMPANY', objectCoordinates: { portalId: 123456, objectId: 9201, objectTypeId: '0-2' }, name: 'Acme Ltd' }
    h.hubspot.emit('callerIdMatchSucceeded', { matches: [ADA, ACME] })
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    call.saveCall()
    expect((h.hubspot.last('callCompleted') as { engagementProperties: object }).engagementProperties).not.toHaveProperty('hs_call_callee_object_id')
  })

  it('caller-id match failed: the bare number', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('callerIdMatchFailed', { message: 'none' })
    expect(call.caller).toMatchObject({ lookup: 'unmatched', matches: [] })
  })

  it('ignores a caller-id answer when no inbound call is up', async () => {
    const h = await signedIn()
    const call = useCallStore()
    h.hubspot.emit('callerIdMatchSucceeded', { matches: [ADA] })
    expect(call.caller).toBeNull()
  })

  it('answer → callAnswered; the far end hangs up → COMPLETED; wrap-up says INBOUND', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('engagementCreated', { engagementId: 77 })
    await call.answer()
    expect(h.sip.actions).toEqual(['answer'])
    h.clock.now += 1000
    h.sip.emit('callAnswered', { callId: CALL_ID })
    expect(call.phase).toBe('connected')
    h.clock.now += 5000
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'hangup', by: 'remote' } })
    expect(call.phase).toBe('ended')
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    call.saveCall()
    expect(h.hubspot.types()).toEqual(['incomingCall', 'callAnswered', 'callEnded', 'callCompleted'])
    expect(h.hubspot.last('callEnded')).toEqual({ externalCallId: CALL_ID, engagementId: 77, callEndStatus: 'COMPLETED' })
    expect(h.hubspot.last('callCompleted')).toMatchObject({
      externalCallId: CALL_ID,
      engagementId: 77,
      engagementProperties: { hs_call_direction: 'INBOUND', hs_call_from_number: '+442079460700', hs_call_to_number: '1002', hs_call_status: 'COMPLETED' },
    })
  })

  it('answers once however often Answer is pressed while the 200 OK is on its way', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    const first = call.answer()
    expect(call.answering).toBe(true)
    await call.answer()
    await first
    // The 200 OK is out, the ACK not in yet: still answering, a press now answers nothing.
    expect(call.answering).toBe(true)
    await call.answer()
    expect(h.sip.actions).toEqual(['answer'])
    h.sip.emit('callAnswered', { callId: CALL_ID })
    expect(call.answering).toBe(false)
    expect(call.notices).toEqual([])
  })

  it('answered on another phone (ring group): no wrap-up, CANCELED to HubSpot with the engagement completed, ready at once', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('engagementCreated', { engagementId: 77 })
    h.clock.now += 4000
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'answered-elsewhere' } })

    expect(call.phase).toBe('idle')
    expect(call.call).toBeNull()
    expect(call.caller).toBeNull()
    expect(call.notices.at(-1)).toMatchObject({ kind: 'info', text: 'The call from +44 20 7946 0700 was answered on another phone.' })
    expect(h.hubspot.types()).toEqual(['incomingCall', 'callEnded', 'callCompleted'])
    expect(h.hubspot.last('callEnded')).toEqual({ externalCallId: CALL_ID, engagementId: 77, callEndStatus: 'CANCELED' })
    expect(h.hubspot.last('callCompleted')).toMatchObject({
      externalCallId: CALL_ID,
      engagementId: 77,
      engagementProperties: {
        hs_call_status: 'CANCELED',
        hs_call_direction: 'INBOUND',
        hs_call_duration: '0',
        hs_call_body: 'Answered on another phone (the call was completed elsewhere).',
      },
    })
    expect(h.hubspot.last('callCompleted')).not.toHaveProperty('engagementProperties.hs_call_disposition')
    // Nothing left to save: the next caller rings.
    h.sip.emit('incomingCall', { callId: 'inbound-2@pbx', fromNumber: '1007', displayName: '' })
    expect(call.phase).toBe('incoming')
    expect(h.sip.actions).not.toContain('decline:486')
  })

  it('answered elsewhere before HubSpot created the engagement: callCompleted waits for its id, and never goes out without one', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'answered-elsewhere' } })
    expect(call.phase).toBe('idle')
    expect(h.hubspot.types()).toEqual(['incomingCall', 'callEnded'])
    h.hubspot.emit('engagementCreated', { engagementId: 78 })
    expect(h.hubspot.last('callCompleted')).toMatchObject({ externalCallId: CALL_ID, engagementId: 78 })

    h.sip.emit('incomingCall', { callId: 'inbound-2@pbx', fromNumber: '1007', displayName: '' })
    h.sip.emit('callEnded', { callId: 'inbound-2@pbx', cause: { type: 'answered-elsewhere' } })
    h.hubspot.emit('engagementCreateFailed', { message: 'no engagement' })
    expect(h.hubspot.types().filter(t => t === 'callCompleted')).toHaveLength(1)
  })

  it('the caller gave up (missed) still has its wrap-up', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    expect(call.phase).toBe('ended')
    expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'MISSED' })
  })

  it('decline → 603 and callEnded REJECTED, never callAnswered', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    await call.decline()
    expect(h.sip.actions).toEqual(['decline:603'])
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'declined' } })
    expect(call.phase).toBe('ended')
    expect(h.hubspot.types()).toEqual(['incomingCall', 'callEnded'])
    expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'REJECTED' })
  })

  it('the caller hangs up first → MISSED', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    expect(call.phase).toBe('ended')
    expect(call.call?.endReason).toContain('Missed call')
    expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'MISSED' })
  })

  it('HubSpot\'s END_CALL while ringing hangs up (the adapter declines)', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.hubspot.emit('endCall', undefined)
    await Promise.resolve()
    expect(h.sip.actions).toEqual(['hangup'])
    expect(call.phase).toBe('incoming')
  })

  it('a failed answer keeps ringing state and tells the agent why', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.sip.answerError = new CallError('media', 'Microphone access was denied.')
    await call.answer()
    expect(call.notices.at(-1)).toMatchObject({ kind: 'error', text: expect.stringContaining('Microphone access was denied.') })
  })

  it('a call arriving during the wrap-up is refused busy (486) and HubSpot hears nothing', async () => {
    const h = await signedIn()
    const call = useCallStore()
    ring(h)
    h.sip.emit('callEnded', { callId: CALL_ID, cause: { type: 'missed' } })
    h.hubspot.sent.length = 0
    h.sip.actions.length = 0
    h.sip.emit('incomingCall', { callId: 'second@pbx', fromNumber: '1007', displayName: '' })
    expect(h.sip.actions).toEqual(['decline:486'])
    expect(call.phase).toBe('ended')
    expect(call.call?.callId).toBe(CALL_ID)
    h.sip.emit('callEnded', { callId: 'second@pbx', cause: { type: 'declined' } })
    expect(h.hubspot.sent).toEqual([])
  })

  it('answer/decline do nothing when no call rings', async () => {
    const h = await signedIn()
    const call = useCallStore()
    await call.answer()
    await call.decline()
    expect(h.sip.actions).toEqual([])
  })
})

describe('availability store', () => {
  it('Do not disturb: tells the adapter to refuse and HubSpot userUnavailable; back: userAvailable', async () => {
    const h = await signedIn()
    const availability = useAvailabilityStore()
    expect(h.sip.actions).toEqual([])
    availability.setAvailable(false)
    expect(h.sip.actions).toEqual(['available:false'])
    expect(h.hubspot.types()).toEqual(['userUnavailable'])
    availability.setAvailable(false)
    expect(h.hubspot.types()).toEqual(['userUnavailable'])
    availability.setAvailable(true)
    expect(h.sip.actions).toEqual(['available:false', 'available:true'])
    expect(h.hubspot.types()).toEqual(['userUnavailable', 'userAvailable'])
  })

  it.each([
    ['widget', false],
    ['remote', true],
    ['window', true],
    [undefined, true],
  ] as const)('iframeLocation %s → inbound rings: %s', async (iframeLocation, rings) => {
    const h = await signedIn()
    const availability = useAvailabilityStore()
    useWidgetStore()
    h.hubspot.emit('ready', iframeLocation ? { iframeLocation } : {})
    await nextTick()
    expect(availability.inboundSupported).toBe(rings)
    expect(availability.ringing).toBe(rings)
    expect(h.sip.actions.at(-1) ?? 'available:true').toBe(`available:${rings}`)
    // HubSpot is only told about the agent's own choice, not about the location.
    expect(h.hubspot.types().filter(t => t.startsWith('user'))).toEqual([])
  })
})
