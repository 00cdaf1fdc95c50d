/**
 * A finished call is not kept by sip.js's INVITE transaction, which lives on for 64×T1 = 32 s after
 * an answered call (Timer M for ours, Timer L for a caller's; RFC 6026): through the real sip.js
 * UserAgent and the fake PBX, the call's media handler is garbage collected while that timer is
 * still pending, and a 2xx from another fork arriving afterwards is still ACKed and hung up.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { ANSWER_SDP, DOMAIN } from './fakePbx'
import type { FakeSdh } from './fakePbx'
import type { Harness } from './harness'
import { answered, registered } from './harness'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/**
 * A weak reference to the call's SDH, the harness's own reference dropped: from now on only what
 * the phone (and sip.js) keeps holds it.
 */
function weakSdh(h: Harness): WeakRef<FakeSdh> {
  const ref = new WeakRef(h.sdh())
  h.sdhs.length = 0
  return ref
}

/** Whether the object went with full garbage collections, a task apart (a WeakRef holds for its job). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref() !== undefined; i++) {
    await new Promise(resolve => setTimeout(resolve, 0))
    gc()
  }
  return ref.deref() === undefined
}

describe('a finished call', () => {
  it('is not kept by our INVITE\'s transaction once we hung up (Timer M still pending)', async () => {
    const h = await registered()
    const { callId } = await answered(h)
    const sdh = weakSdh(h)

    await h.phone.hangup()
    await h.events.wait('callEnded')
    await h.pbx.waitFor('BYE')

    expect(await collected(sdh)).toBe(true)
    // The phone goes on: the next call is placed as usual.
    const next = await h.phone.call('+441632960999')
    expect(next.callId).not.toBe(callId)
  })

  it('is not kept once the far end hung up', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const sdh = weakSdh(h)

    h.pbx.sendBye(invite)
    await h.events.wait('callEnded')
    await h.pbx.waitForResponse(200, 'BYE')

    expect(await collected(sdh)).toBe(true)
  })

  it('is not kept by a caller\'s INVITE transaction (Timer L still pending)', async () => {
    const h = await registered()
    const invite = h.pbx.sendInvite()
    await h.events.wait('incomingCall')
    await h.phone.answer()
    await h.pbx.waitForResponse(200, 'INVITE')
    h.pbx.sendAck(invite)
    await h.events.wait('callAnswered')
    const sdh = weakSdh(h)

    h.pbx.sendCallerBye(invite)
    await h.events.wait('callEnded')

    expect(await collected(sdh)).toBe(true)
  })

  it('an attended transfer\'s consultation call is not kept once the agent went back to the caller', async () => {
    const h = await registered()
    await answered(h)
    const { callId: consultId } = await h.phone.startConsultation('1005')
    const consultInvite = await h.pbx.waitFor('INVITE', 3) // the caller's hold re-INVITE came second
    expect(consultInvite.callId).toBe(consultId)
    h.pbx.respond(consultInvite, 200, 'OK', { body: ANSWER_SDP })
    await h.events.wait('consultation', 2) // calling, answered
    const sdh = weakSdh(h)

    await h.phone.cancelConsultation()
    await h.events.wait('consultation', 3)

    expect(await collected(sdh)).toBe(true)
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('still ACKs and hangs up a 2xx from another fork that arrives after it ended (RFC 3261 §13.2.2.4)', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    await h.phone.hangup()
    await h.events.wait('callEnded')
    await h.pbx.waitFor('BYE')
    const acks = h.pbx.sent('ACK').length

    // The same INVITE answered by a second phone the PBX forked it to (another To tag).
    const message = invite.message
    h.pbx.transport.deliver([
      'SIP/2.0 200 OK',
      ...message.getHeaders('via').map(via => `Via: ${via}`),
      `From: ${message.getHeader('from') ?? ''}`,
      `To: ${message.getHeader('to') ?? ''};tag=second-fork`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${message.getHeader('cseq') ?? ''}`,
      `Contact: <sip:other-phone@${DOMAIN};transport=ws>`,
      'Content-Type: application/sdp',
      `Content-Length: ${new TextEncoder().encode(ANSWER_SDP).length}`,
      '',
      ANSWER_SDP,
    ].join('\r\n'))

    await expect.poll(() => h.pbx.sent('ACK').length).toBe(acks + 1)
    await expect.poll(() => h.pbx.sent('BYE').filter(bye => bye.header('to')?.includes('tag=second-fork'))).toHaveLength(1)
    expect(h.events.of('callEnded')).toHaveLength(1)
  })
})
