/**
 * In-call controls of the SIP adapter against the fake PBX: DTMF (RFC 4733 queueing, the
 * INFO mode and fallback), blind and attended transfer (REFER, NOTIFY sipfrag, Replaces),
 * the microphone swap and the statistics snapshot.
 */
import { describe, expect, it } from 'vitest'
import { ANSWER_SDP } from './fakePbx'
import type { FakeTrack, SentRequest } from './fakePbx'
import { answered, registered } from './harness'
import type { Harness } from './harness'

const tick = () => new Promise(resolve => setTimeout(resolve, 0))

/** The first (non re-)INVITE whose Request-URI names `user`. */
async function inviteTo(h: Harness, user: string): Promise<SentRequest> {
  for (let n = 1; ; n++) {
    const invite = await h.pbx.waitFor('INVITE', n)
    if (invite.ruri.startsWith(`sip:${user}@`) && !invite.header('to')?.includes('tag='))
      return invite
  }
}

/** Answers the consultation call to `user` and waits for the adapter to see it. */
async function consultAnswered(h: Harness, user: string): Promise<SentRequest> {
  const invite = await inviteTo(h, user)
  h.pbx.respond(invite, 180, 'Ringing')
  h.pbx.respond(invite, 200, 'OK', { body: ANSWER_SDP })
  await h.events.wait('consultation', 3) // calling, ringing, answered
  return invite
}

function fakeStream(id: string): { track: FakeTrack, stream: MediaStream } {
  const track: FakeTrack = { id, kind: 'audio', enabled: true, readyState: 'live', stop() { this.readyState = 'ended' } }
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream
  return { track, stream }
}

describe('sendDtmf()', () => {
  it('inserts telephone-events with 100 ms tones and 70 ms gaps', async () => {
    const h = await registered()
    await answered(h)

    await h.phone.sendDtmf('5')

    expect(h.sdh().dtmfSender.inserts).toEqual([{ tones: '5', duration: 100, gap: 70 }])
  })

  it('keeps tones still queued from earlier presses, so quick presses all go out in order', async () => {
    const h = await registered()
    await answered(h)

    await h.phone.sendDtmf('1')
    await h.phone.sendDtmf('2')
    await h.phone.sendDtmf('3')
    h.sdh().dtmfSender.play()

    expect(h.sdh().dtmfSender.played).toBe('123')
  })

  it('upper-cases A-D', async () => {
    const h = await registered()
    await answered(h)
    await h.phone.sendDtmf('a')
    expect(h.sdh().dtmf).toEqual(['A'])
  })

  it('sends SIP INFO when configured to (dtmfMode "info"), even though RTP could', async () => {
    const h = await registered({ dtmfMode: 'info' })
    await answered(h)

    await h.phone.sendDtmf('9#')

    expect(h.sdh().dtmf).toEqual([])
    expect(h.pbx.sent('INFO').map(i => i.message.body.split('\r\n')[0])).toEqual(['Signal=9', 'Signal=#'])
  })

  it('INFO presses queue behind each other: one request per tone, in press order', async () => {
    const h = await registered({ media: { dtmfSupported: false } })
    await answered(h)

    await Promise.all([h.phone.sendDtmf('1'), h.phone.sendDtmf('2'), h.phone.sendDtmf('3')])

    expect(h.pbx.sent('INFO').map(i => i.message.body.split('\r\n')[0])).toEqual(['Signal=1', 'Signal=2', 'Signal=3'])
  })

  it('needs an answered call', async () => {
    const h = await registered()
    await expect(h.phone.sendDtmf('1')).rejects.toMatchObject({ kind: 'no-call' })
  })
})

describe('transfer() (blind)', () => {
  it('resolves on the NOTIFY "200 OK" sipfrag, hangs up and ends as transferred', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)

    const transferring = h.phone.transfer('1005')
    await h.pbx.waitFor('REFER')
    await tick()
    h.pbx.sendReferNotify(invite, 'SIP/2.0 100 Trying')
    h.pbx.sendReferNotify(invite, 'SIP/2.0 200 OK')
    await transferring

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'transferred', target: '1005', attended: false } })
    expect(h.pbx.sent('BYE')).toHaveLength(1)
    expect(await h.pbx.waitForResponse(200, 'NOTIFY')).toBeTruthy()
  })

  it('a REFER refused by the PBX rejects with "rejected" and the call goes on', async () => {
    const h = await registered()
    await answered(h)
    h.pbx.referReply = { status: 403, reason: 'Forbidden' }

    await expect(h.phone.transfer('1005')).rejects.toMatchObject({ kind: 'rejected', message: expect.stringContaining('403 Forbidden') })
    await tick()
    expect(h.events.of('callEnded')).toHaveLength(0)
    await h.phone.hold(true) // still answered
  })

  it('a failed transfer (NOTIFY with a final error) rejects and keeps the call; a later hang-up is a normal one', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)

    const transferring = h.phone.transfer('1005')
    await h.pbx.waitFor('REFER')
    await tick()
    h.pbx.sendReferNotify(invite, 'SIP/2.0 486 Busy Here')

    await expect(transferring).rejects.toMatchObject({ kind: 'rejected', message: expect.stringContaining('486 Busy Here') })
    h.pbx.sendBye(invite)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'remote' } })
  })

  it('refuses a target that is not + and digits, before anything is sent', async () => {
    const h = await registered()
    await answered(h)
    await expect(h.phone.transfer('1005@evil')).rejects.toMatchObject({ kind: 'invalid-target' })
    expect(h.pbx.sent('REFER')).toHaveLength(0)
  })
})

describe('attended transfer', () => {
  it('holds the caller, calls the target, then REFERs with Replaces naming the consultation dialog', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)

    const { callId: consultId } = await h.phone.startConsultation('1005')

    // The caller was put on hold first (re-INVITE in the first dialog).
    const reinvite = h.pbx.sent('INVITE').find(i => i.callId === callId && i.header('to')?.includes('tag='))
    expect(reinvite).toBeDefined()
    expect(h.sdhs[0]!.holds.at(-1)).toBe(true)
    const consultInvite = await consultAnswered(h, '1005')
    expect(consultInvite.callId).toBe(consultId)
    expect(h.events.of('consultation').map(e => e.state)).toEqual(['calling', 'ringing', 'answered'])

    const completing = h.phone.completeTransfer()
    const refer = await h.pbx.waitFor('REFER')
    expect(refer.callId).toBe(callId)
    const referTo = decodeURIComponent(refer.header('refer-to') ?? '')
    expect(referTo).toContain('sip:asterisk@pbx.test')
    expect(referTo).toContain(`Replaces=${consultId};to-tag=${h.pbx.tagFor(consultId)};from-tag=`)
    await tick()
    h.pbx.sendReferNotify(invite, 'SIP/2.0 200 OK')
    await completing

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'transferred', target: '1005', attended: true } })
    expect(h.events.of('consultation').at(-1)).toEqual({ callId: consultId, target: '1005', state: 'ended', cause: { type: 'transferred', target: '1005', attended: true } })
    expect(h.pbx.sent('BYE').map(b => b.callId).sort()).toEqual([callId, consultId].sort())
  })

  it('the PBX hangs up the target leg right after accepting the REFER (before its NOTIFY): still a transfer', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)
    await h.phone.startConsultation('1005')
    const consultInvite = await consultAnswered(h, '1005')

    const completing = h.phone.completeTransfer()
    await h.pbx.waitFor('REFER')
    await tick() // 202
    h.pbx.sendBye(consultInvite)
    expect(await h.events.wait('consultation', 4)).toMatchObject({ state: 'ended', cause: { type: 'transferred', attended: true } })
    h.pbx.sendBye(invite)
    await completing

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'transferred', target: '1005', attended: true } })
  })

  it('go back: cancelConsultation() CANCELs the ringing target and the caller stays held', async () => {
    const h = await registered()
    await answered(h)
    await h.phone.startConsultation('1005')
    const consultInvite = await inviteTo(h, '1005')
    h.pbx.respond(consultInvite, 180, 'Ringing')
    await h.events.wait('consultation', 2)

    await h.phone.cancelConsultation()

    expect(await h.events.wait('consultation', 3)).toMatchObject({ state: 'ended', cause: { type: 'canceled' } })
    expect(h.pbx.sent('CANCEL')).toHaveLength(1)
    expect(h.events.of('callEnded')).toHaveLength(0)
    await h.phone.hold(false) // the store resumes the caller
    expect(h.sdhs[0]!.holds.at(-1)).toBe(false)
  })

  it('go back after talking: BYE to the target', async () => {
    const h = await registered()
    await answered(h)
    const { callId: consultId } = await h.phone.startConsultation('1005')
    await consultAnswered(h, '1005')

    await h.phone.cancelConsultation()

    expect(await h.events.wait('consultation', 4)).toMatchObject({ state: 'ended', cause: { type: 'hangup', by: 'local' } })
    expect(h.pbx.sent('BYE').map(b => b.callId)).toEqual([consultId])
  })

  it('the target hangs up or refuses: the consultation ends with that cause, the call stays', async () => {
    const h = await registered()
    await answered(h)
    await h.phone.startConsultation('1005')
    const consultInvite = await inviteTo(h, '1005')
    h.pbx.respond(consultInvite, 486, 'Busy Here')

    expect(await h.events.wait('consultation', 2)).toMatchObject({ state: 'ended', cause: { type: 'rejected', statusCode: 486 } })
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('completeTransfer() before the target answered is refused; so is a second consultation', async () => {
    const h = await registered()
    await answered(h)
    await h.phone.startConsultation('1005')

    await expect(h.phone.completeTransfer()).rejects.toMatchObject({ kind: 'no-call' })
    await expect(h.phone.startConsultation('1004')).rejects.toMatchObject({ kind: 'call-in-progress' })
    expect(h.pbx.sent('REFER')).toHaveLength(0)
  })

  it('the caller hangs up during the consultation: the consultation is ended too', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    const { callId: consultId } = await h.phone.startConsultation('1005')
    await consultAnswered(h, '1005')

    h.pbx.sendBye(invite)

    expect(await h.events.wait('callEnded')).toMatchObject({ cause: { type: 'hangup', by: 'remote' } })
    expect(h.events.of('consultation').at(-1)).toMatchObject({ state: 'ended' })
    expect(h.pbx.sent('BYE').map(b => b.callId)).toEqual([consultId])
  })

  it('mute applies to the consultation too', async () => {
    const h = await registered()
    await answered(h)
    await h.phone.startConsultation('1005')
    await consultAnswered(h, '1005')

    h.phone.setMuted(true)

    expect(h.sdhs[1]!.micTrack.enabled).toBe(false)
  })
})

describe('setInputDevice()', () => {
  it('asks for the chosen microphone on the next call (ideal, so an unplugged one does not fail the call)', async () => {
    const h = await registered()
    await h.phone.setInputDevice('headset-1')

    await h.phone.call('+15550100')

    expect(h.sdh().constraints[0]).toEqual({ audio: { deviceId: { ideal: 'headset-1' } }, video: false })
  })

  it('swaps the microphone of the live call and keeps it muted', async () => {
    const asked: unknown[] = []
    const { track, stream } = fakeStream('headset-track')
    const h = await registered({ getUserMedia: async (c) => {
      asked.push(c)
      return stream
    } })
    await answered(h)
    h.phone.setMuted(true)
    const old = h.sdh().micTrack

    await h.phone.setInputDevice('headset-1')

    expect(asked).toEqual([{ audio: { deviceId: { exact: 'headset-1' } }, video: false }])
    expect(h.sdh().pc.senders[0]!.track).toBe(track)
    expect(old.readyState).toBe('ended')
    expect(track.enabled).toBe(false)
  })

  it('a device that cannot be opened rejects with "media" and the call keeps its microphone', async () => {
    const h = await registered({ getUserMedia: async () => {
      throw Object.assign(new Error('gone'), { name: 'NotFoundError' })
    } })
    await answered(h)
    const old = h.sdh().micTrack

    await expect(h.phone.setInputDevice('gone')).rejects.toMatchObject({ kind: 'media', message: 'No microphone was found.' })
    expect(h.sdh().pc.senders[0]!.track).toBe(old)
  })
})

describe('sampleStats()', () => {
  it('is null without an answered call', async () => {
    const h = await registered()
    expect(await h.phone.sampleStats()).toBeNull()
  })

  it('reads the audio counters, RTT and jitter in ms', async () => {
    const h = await registered()
    await answered(h)
    h.sdh().pc.stats = [
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 480, packetsLost: 20, jitter: 0.004 },
      { type: 'outbound-rtp', kind: 'audio', packetsSent: 500 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.05, fractionLost: 0.01 },
    ]

    expect(await h.phone.sampleStats()).toMatchObject({
      rttMs: 50, jitterMs: 4, packetsReceived: 480, packetsLost: 20, packetsSent: 500, remoteFractionLost: 0.01,
    })
  })
})
