/**
 * Inbound calls through the real sip.js UserAgent: the fake PBX sends an INVITE to the
 * Contact the softphone registered, and we check what the adapter answers on the wire
 * and which events it emits.
 */
import { describe, expect, it } from 'vitest'
import { CallError } from '@/sip/types'
import { DOMAIN } from './fakePbx'
import { registered } from './harness'

/** Lets queued microtasks (sip.js's message handling) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++)
    await Promise.resolve()
}

describe('incoming INVITE', () => {
  it('rings (180) and emits incomingCall with the caller number and display name', async () => {
    const h = await registered()

    const invite = h.pbx.sendInvite()

    expect(await h.events.wait('incomingCall')).toEqual({ callId: invite.callId, fromNumber: '+442079460700', displayName: 'Ada Lovelace' })
    await h.pbx.waitForResponse(180, 'INVITE')
    expect(h.pbx.inviteResponses(invite)).toEqual([100, 180])
  })

  it.each([
    ['an extension', `"Desk 1006" <sip:1006@${DOMAIN}>`, '1006', 'Desk 1006'],
    ['no display name', `<sip:+15550100@${DOMAIN}>`, '+15550100', ''],
    ['an alphanumeric user', `"Anon" <sip:anonymous@anonymous.invalid>`, 'anonymous', 'Anon'],
    ['a display name with control characters', `"Evil\\u0007 \\t Name" <sip:+15550100@${DOMAIN}>`, '+15550100', 'Evil\\u0007 \\t Name'],
    ['a 100-character display name', `"${'N'.repeat(100)}" <sip:+15550100@${DOMAIN}>`, '+15550100', `${'N'.repeat(63)}…`],
  ])('caller with %s', async (_what, from, fromNumber, displayName) => {
    const h = await registered()
    h.pbx.sendInvite(from)
    const event = await h.events.wait('incomingCall')
    expect(event.fromNumber).toBe(fromNumber)
    expect(event.displayName).toBe(displayName)
    expect(event.displayName.length).toBeLessThanOrEqual(64)
    // eslint-disable-next-line no-control-regex
    expect(event.displayName).not.toMatch(/[\u0000-\u001f]/)
  })

  it('answer(): 200 OK with our SDP, callAnswered once ACKed; remote BYE ends it as a remote hangup', async () => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')

    await h.phone.answer()

    const ok = await h.pbx.waitForResponse(200, 'INVITE')
    expect(ok).toContain('m=audio')
    expect(h.sdh().constraints[0]).toEqual({ audio: true, video: false })
    // Not answered until the caller's ACK confirms the dialog.
    await settle()
    expect(h.events.of('callAnswered')).toEqual([])
    h.pbx.sendAck(invite)
    expect(await h.events.wait('callAnswered')).toEqual({ callId })

    // Answered calls have the usual controls: hangup sends BYE.
    await h.phone.hangup()
    const bye = await h.pbx.waitFor('BYE')
    expect(bye.callId).toBe(callId)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'local' } })
  })

  it('decline(): 603 Decline, ends as declined, nothing else is sent', async () => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')

    await h.phone.decline()

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'declined' } })
    expect(h.pbx.inviteResponses(invite).filter(code => code >= 200)).toEqual([603])
    expect(h.events.of('callAnswered')).toEqual([])
  })

  it('hangup() while ringing declines (HubSpot\'s END_CALL)', async () => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    await h.phone.hangup()
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'declined' } })
    expect(h.pbx.inviteResponses(invite).filter(code => code >= 200)).toEqual([603])
  })

  it('the caller hangs up first (CANCEL): 487, ends as missed; answer() then fails with no-call', async () => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')

    h.pbx.sendCancel(invite)

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'missed' } })
    expect(h.pbx.inviteResponses(invite).filter(code => code >= 200)).toEqual([487])
    await expect(h.phone.answer()).rejects.toMatchObject({ kind: 'no-call' })
  })

  it('answer() without a ringing call rejects with no-call', async () => {
    const h = await registered()
    const attempt = h.phone.answer()
    await expect(attempt).rejects.toBeInstanceOf(CallError)
    await expect(attempt).rejects.toMatchObject({ kind: 'no-call' })
  })

  it('a second INVITE while a call rings gets 486 Busy Here and no event', async () => {
    const h = await registered()
    h.pbx.sendInvite()
    await h.events.wait('incomingCall')

    const second = h.pbx.sendInvite(`"Bob" <sip:1007@${DOMAIN}>`)
    await h.pbx.waitForResponse(486, 'INVITE')

    expect(h.pbx.inviteResponses(second)).toContain(486)
    expect(h.events.of('incomingCall')).toHaveLength(1)
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('an INVITE during an outbound call gets 486 and does not disturb the call', async () => {
    const h = await registered()
    await h.phone.call('+441632960123')
    await h.pbx.invite()

    const inbound = h.pbx.sendInvite()
    await h.pbx.waitForResponse(486, 'INVITE')

    expect(h.pbx.inviteResponses(inbound).filter(code => code >= 200)).toEqual([486])
    expect(h.events.of('incomingCall')).toEqual([])
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('unavailable (Do not disturb): 480 and no event; available again: rings', async () => {
    const h = await registered()
    h.phone.setAvailable(false)

    const refused = h.pbx.sendInvite()
    await h.pbx.waitForResponse(480, 'INVITE')
    expect(h.pbx.inviteResponses(refused).filter(code => code >= 200)).toEqual([480])
    expect(h.events.of('incomingCall')).toEqual([])

    h.phone.setAvailable(true)
    h.pbx.sendInvite()
    await h.events.wait('incomingCall')
  })

  it('a microphone failure on answer: rejects with media and the call ends (the caller hears an error, not silence)', async () => {
    const h = await registered({ media: { getUserMediaError: 'NotAllowedError' } })
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')

    await expect(h.phone.answer()).rejects.toMatchObject({ kind: 'media' })

    const ended = await h.events.wait('callEnded')
    expect(ended).toMatchObject({ callId, cause: { type: 'media-error' } })
    expect(h.pbx.inviteResponses(invite).some(code => code >= 400)).toBe(true)
  })

  it('signing out while a call rings refuses it and ends it as missed', async () => {
    const h = await registered()
    h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    await h.phone.unregister()
    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'missed' } }])
  })
})

describe('answered elsewhere (a ring group): CANCEL with Reason, RFC 3326', () => {
  it.each([
    ['SIP;cause=200;text="Call completed elsewhere"'],
    ['Q.850;cause=26;text="ANSWERED_ELSEWHERE"'],
    ['Q.850;cause=16, SIP;cause=200;text="Call completed elsewhere"'],
  ])('Reason: %s → 487, ends answered-elsewhere', async (reason) => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    h.pbx.sendCancel(invite, reason)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'answered-elsewhere' } })
    expect(h.pbx.inviteResponses(invite).filter(code => code >= 200)).toEqual([487])
  })

  it.each([
    ['no Reason', undefined],
    ['a Q.850 normal clearing', 'Q.850;cause=16'],
    ['SIP cause 600 (busy everywhere)', 'SIP;cause=600;text="Busy Everywhere"'],
  ])('%s → missed', async (_what, reason) => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    h.pbx.sendCancel(invite, reason)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'missed' } })
  })
})

describe('the answer loses to a CANCEL (RFC 3261 §9.2: a CANCEL after our 200 OK no longer cancels)', () => {
  /** Rings, answers: our 200 OK is on the wire, the caller has not ACKed yet. */
  async function answeredNotConfirmed() {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    await h.phone.answer()
    await h.pbx.waitForResponse(200, 'INVITE')
    return { h, invite, callId }
  }

  it('the PBX\'s timeout CANCEL crossed our 200: no callAnswered; on its ACK we hang up; it ends missed', async () => {
    const { h, invite, callId } = await answeredNotConfirmed()
    h.pbx.sendCancel(invite)
    await h.pbx.waitForResponse(200, 'CANCEL')
    h.pbx.sendAck(invite)

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'missed' } })
    const bye = await h.pbx.waitFor('BYE')
    expect(bye.callId).toBe(callId)
    expect(h.events.of('callAnswered')).toEqual([])
    // The PBX's own BYE crossing ours changes nothing.
    h.pbx.sendCallerBye(invite)
    await settle()
    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('a ring group\'s "answered elsewhere" CANCEL crossed our 200: ends answered-elsewhere, never answered', async () => {
    const { h, invite, callId } = await answeredNotConfirmed()
    h.pbx.sendCancel(invite, 'SIP;cause=200;text="Call completed elsewhere"')
    await h.pbx.waitForResponse(200, 'CANCEL')
    h.pbx.sendAck(invite)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'answered-elsewhere' } })
    expect(h.events.of('callAnswered')).toEqual([])
  })

  it('a BYE before the ACK (the caller gave up as we answered): never answered, ends missed', async () => {
    const { h, invite, callId } = await answeredNotConfirmed()
    h.pbx.sendCallerBye(invite)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'missed' } })
    expect(h.events.of('callAnswered')).toEqual([])
  })

  it('ACK then BYE with no CANCEL is a real (short) call: answered, then a remote hangup', async () => {
    const { h, invite, callId } = await answeredNotConfirmed()
    h.pbx.sendAck(invite)
    await h.events.wait('callAnswered')
    h.pbx.sendCallerBye(invite)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'remote' } })
  })

  it('hang up between our 200 and the ACK sends BYE (not a 603 the dialog cannot take)', async () => {
    const { h, invite, callId } = await answeredNotConfirmed()
    await h.phone.hangup()
    h.pbx.sendAck(invite)
    const bye = await h.pbx.waitFor('BYE')
    expect(bye.callId).toBe(callId)
    await h.events.wait('callEnded')
    expect(h.events.of('callAnswered')).toEqual([])
  })
})
