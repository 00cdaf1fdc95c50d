/**
 * Re-INVITEs that fail, and the PBX's own offers, against the fake PBX (whose fake peer
 * connection keeps JSEP's signaling state like a browser's): a refused hold must leave the
 * call and its audio as they were (RFC 3261 §14.1 glare: 491, then try again), and the far
 * end's next offer must still be answered.
 */
import { describe, expect, it } from 'vitest'
import { glareDelayMs } from '@/sip/callControls'
import { ANSWER_SDP } from './fakePbx'
import { answered, registered } from './harness'

describe('glareDelayMs (RFC 3261 §14.1)', () => {
  it('owner of the Call-ID: 2.1–4 s in 10 ms steps; otherwise 0–2 s', () => {
    expect(glareDelayMs(true, () => 0)).toBe(2100)
    expect(glareDelayMs(true, () => 0.999999)).toBe(4000)
    expect(glareDelayMs(false, () => 0)).toBe(0)
    expect(glareDelayMs(false, () => 0.999999)).toBe(2000)
    for (let i = 0; i < 200; i++) {
      const owner = glareDelayMs(true)
      const other = glareDelayMs(false)
      expect(owner % 10).toBe(0)
      expect(owner).toBeGreaterThanOrEqual(2100)
      expect(owner).toBeLessThanOrEqual(4000)
      expect(other % 10).toBe(0)
      expect(other).toBeGreaterThanOrEqual(0)
      expect(other).toBeLessThanOrEqual(2000)
    }
  })
})

describe('a refused hold re-INVITE', () => {
  it('491 Request Pending (glare): the offer is rolled back, hold is tried again after the glare interval and succeeds', async () => {
    const waits: boolean[] = []
    const h = await registered({ glareDelayMs: (owns) => {
      waits.push(owns)
      return 0
    } })
    await answered(h)
    h.pbx.reinviteReplies.push({ status: 491, reason: 'Request Pending' })

    await h.phone.hold(true)

    expect(h.pbx.sent('INVITE').filter(i => i.header('to')?.includes('tag='))).toHaveLength(2)
    expect(h.sdh().pc.rollbacks).toBe(1)
    expect(h.sdh().pc.signalingState).toBe('stable')
    expect(waits).toEqual([true]) // we placed the call: we own the Call-ID
    expect(h.sdh().micTrack.enabled).toBe(false) // held
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('491 every time: gives up after three tries, the call and its audio go on, a later hold works', async () => {
    const h = await registered()
    await answered(h)
    h.pbx.reinviteReplies.push(...Array.from({ length: 3 }, () => ({ status: 491, reason: 'Request Pending' })))

    await expect(h.phone.hold(true)).rejects.toMatchObject({ kind: 'rejected', message: expect.stringContaining('491 Request Pending') })

    expect(h.sdh().pc.signalingState).toBe('stable')
    expect(h.sdh().pc.transceivers[0]?.direction).toBe('sendrecv')
    expect(h.sdh().micTrack.enabled).toBe(true)
    expect(h.events.of('callEnded')).toEqual([])
    // The old failure: "Invalid signaling state have-local-offer".
    await h.phone.hold(true)
    expect(h.sdh().micTrack.enabled).toBe(false)
  })

  it.each([
    [488, 'Not Acceptable Here'],
    [500, 'Server Internal Error'],
    [408, 'Request Timeout'],
  ])('%i: not retried; rolled back; the call goes on', async (status, reason) => {
    const h = await registered()
    await answered(h)
    h.pbx.reinviteReplies.push({ status, reason })
    await expect(h.phone.hold(true)).rejects.toMatchObject({ kind: 'rejected' })
    expect(h.pbx.sent('INVITE').filter(i => i.header('to')?.includes('tag='))).toHaveLength(1)
    expect(h.sdh().pc.signalingState).toBe('stable')
    expect(h.events.of('callEnded')).toEqual([])
    expect(h.pbx.sent('BYE')).toEqual([])
  })

  it('after a refused hold, the PBX\'s next offer (its session refresh) is answered 200 with the call\'s real direction, not 488', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    h.pbx.reinviteReplies.push({ status: 488, reason: 'Not Acceptable Here' })
    await expect(h.phone.hold(true)).rejects.toMatchObject({ kind: 'rejected' })

    const cseq = h.pbx.sendInDialog(invite, 'INVITE')
    expect(await h.pbx.responseTo(cseq, 'INVITE')).toBe(200)
    // Answered as the call is (not held): the hold that failed is not smuggled into the answer.
    expect(h.sdh().holds.at(-1)).toBe(false)
    expect(h.sdh().pc.transceivers[0]?.direction).toBe('sendrecv')
    expect(h.events.of('callEnded')).toEqual([])
  })
})

describe('the PBX refreshes or updates the session', () => {
  it('a session refresh re-INVITE (RFC 4028) is answered 200 and the call goes on', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const cseq = h.pbx.sendInDialog(invite, 'INVITE', undefined, ['Session-Expires: 90;refresher=uac', 'Supported: timer'])
    expect(await h.pbx.responseTo(cseq, 'INVITE')).toBe(200)
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('an UPDATE without a body (RFC 3311: a session refresh, a connected-line update) is answered 200, not 405; the call goes on', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const cseq = h.pbx.sendInDialog(invite, 'UPDATE', null, ['Session-Expires: 90;refresher=uac', 'P-Asserted-Identity: "Bob" <sip:1005@pbx.test>'])
    expect(await h.pbx.responseTo(cseq, 'UPDATE')).toBe(200)
    // And the session still takes the PBX's later requests.
    const reinvite = h.pbx.sendInDialog(invite, 'INVITE')
    expect(await h.pbx.responseTo(reinvite, 'INVITE')).toBe(200)
    h.pbx.ackInDialog(invite, reinvite)
    await h.phone.hold(true)
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('hold while the PBX\'s own re-INVITE is not yet ACKed waits like after a 491 (RFC 3261 §14.1), then holds', async () => {
    let ack: (() => void) | undefined
    const h = await registered({ glareDelayMs: () => {
      ack?.()
      ack = undefined
      return 0
    } })
    const { invite } = await answered(h)
    const reinvite = h.pbx.sendInDialog(invite, 'INVITE')
    expect(await h.pbx.responseTo(reinvite, 'INVITE')).toBe(200)
    ack = () => h.pbx.ackInDialog(invite, reinvite)
    await h.phone.hold(true)
    expect(h.sdh().micTrack.enabled).toBe(false)
    expect(h.events.of('callEnded')).toEqual([])
  })

  it('an UPDATE with an SDP offer is refused 488 and changes nothing: the call, its audio and its offer/answer state go on', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const cseq = h.pbx.sendInDialog(invite, 'UPDATE')
    expect(await h.pbx.responseTo(cseq, 'UPDATE')).toBe(488)
    expect(h.sdh().pc.signalingState).toBe('stable')
    expect(h.sdh().micTrack.enabled).toBe(true)
    expect(h.events.of('callEnded')).toEqual([])
    expect(h.pbx.sent('BYE')).toEqual([])
  })

  it('an UPDATE that requires an extension gets 420 naming it (RFC 3261 §8.2.2.3)', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const cseq = h.pbx.sendInDialog(invite, 'UPDATE', null, ['Require: timer'])
    expect(await h.pbx.responseTo(cseq, 'UPDATE')).toBe(420)
    expect(h.pbx.responses.find(r => r.includes(`CSeq: ${cseq} UPDATE`))).toMatch(/^Unsupported: timer$/m)
  })

  it('an UPDATE for a dialog that is not ours gets 481', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    h.pbx.tagFor(`other-${invite.callId}`)
    const forged = { ...invite, callId: `other-${invite.callId}`, header: (name: string) => invite.header(name) } as unknown as typeof invite
    const cseq = h.pbx.sendInDialog(forged, 'UPDATE', null)
    expect(await h.pbx.responseTo(cseq, 'UPDATE')).toBe(481)
    expect(h.events.of('callEnded')).toEqual([])
  })
})

describe('outbound: the far end\'s 200 OK crosses our CANCEL (the sibling of the inbound race)', () => {
  it('is ACKed and hung up (BYE); the call ends as cancelled, never answered', async () => {
    const h = await registered()
    const { callId } = await h.phone.call('+441632960123')
    const invite = await h.pbx.invite()
    h.pbx.respond(invite, 180, 'Ringing')
    await h.events.wait('callProgress')
    h.pbx.answerCancel = false
    await h.phone.hangup()
    await h.pbx.waitFor('CANCEL')
    h.pbx.respond(invite, 200, 'OK', { body: ANSWER_SDP })
    await h.pbx.waitFor('BYE')
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'canceled' } })
    expect(h.events.of('callAnswered')).toEqual([])
    expect(h.pbx.sent('ACK')).toHaveLength(1)
  })
})
