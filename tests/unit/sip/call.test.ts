import { afterEach, describe, expect, it, vi } from 'vitest'
import { CallError } from '@/sip/types'
import { ANSWER_SDP, PASSWORD, USER } from './fakePbx'
import { answered, registered, setup, TARGET } from './harness'

afterEach(() => {
  vi.useRealTimers()
})

describe('call()', () => {
  it('sends an audio-only INVITE to sip:<target>@domain and resolves with its Call-ID', async () => {
    const h = await registered()

    const { callId } = await h.phone.call(TARGET)

    const invite = await h.pbx.invite()
    expect(callId).toBe(invite.header('call-id'))
    expect(invite.ruri).toBe(`sip:${TARGET}@pbx.test`)
    expect(invite.message.body).toContain('m=audio')
    expect(h.sdh().constraints[0]).toEqual({ audio: true, video: false })
    expect(h.events.of('callStarted')).toEqual([{ callId, target: TARGET }])
  })

  it.each([
    ['letters', '0800CALLNOW'],
    ['an @', '1234@evil.example'],
    ['a URI parameter', '1234;transport=tcp'],
    ['CRLF header injection', '1234\r\nVia: SIP/2.0/WSS evil'],
    ['spaces', '+44 1632 960123'],
    ['nothing', ''],
    ['a lone +', '+'],
    ['33 digits', '1'.repeat(33)],
  ])('rejects a target with %s and sends nothing', async (_what, target) => {
    const h = await registered()

    const attempt = h.phone.call(target)

    await expect(attempt).rejects.toBeInstanceOf(CallError)
    await expect(attempt).rejects.toMatchObject({ kind: 'invalid-target' })
    expect(h.pbx.sent('INVITE')).toHaveLength(0)
    expect(h.sdhs).toHaveLength(0)
  })

  it('refuses to call when not registered, and while another call is up', async () => {
    const idle = setup()
    await expect(idle.phone.call(TARGET)).rejects.toMatchObject({ kind: 'not-registered' })

    const h = await registered()
    await h.phone.call(TARGET)
    await expect(h.phone.call('+15550100')).rejects.toMatchObject({ kind: 'call-in-progress' })
    expect(h.pbx.sent('INVITE')).toHaveLength(1)
  })

  it('keeps the same Call-ID when the PBX challenges the INVITE (Asterisk does)', async () => {
    const h = await registered()
    h.pbx.challengeInvites = true

    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()

    expect(h.pbx.sent('INVITE')).toHaveLength(2)
    expect(invite.header('authorization')).toMatch(/^Digest /)
    expect(invite.callId).toBe(callId)
    h.pbx.respond(invite, 200, 'OK', { body: ANSWER_SDP })
    expect(await h.events.wait('callAnswered')).toEqual({ callId })
  })

  it('rejects with a media error and sends nothing when the microphone is denied', async () => {
    const h = await registered({ media: { getUserMediaError: 'NotAllowedError' } })

    await expect(h.phone.call(TARGET)).rejects.toMatchObject({
      kind: 'media',
      message: expect.stringContaining('Microphone access was denied') as unknown,
    })
    expect(h.pbx.sent('INVITE')).toHaveLength(0)
    expect(h.events.of('callStarted')).toHaveLength(0)
    expect(h.events.of('callEnded')).toHaveLength(0)
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    // and the phone is free for the next call
    await expect(h.phone.call(TARGET)).rejects.toMatchObject({ kind: 'media' })
  })
})

describe('call progress and answer', () => {
  it('emits callProgress for 180 and for 183 with early media, not for 100', async () => {
    const h = await registered()
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()

    h.pbx.respond(invite, 100, 'Trying')
    h.pbx.respond(invite, 180, 'Ringing')
    h.pbx.respond(invite, 183, 'Session Progress', { body: ANSWER_SDP })

    await h.events.wait('callProgress', 2)
    expect(h.events.of('callProgress')).toEqual([
      { callId, statusCode: 180, earlyMedia: false },
      { callId, statusCode: 183, earlyMedia: true },
    ])
  })

  it('emits callAnswered on 200 OK and ACKs it', async () => {
    const h = await registered()

    const { callId } = await answered(h)

    expect(h.events.of('callAnswered')).toEqual([{ callId }])
    expect(h.pbx.sent('ACK')).toHaveLength(1)
    expect(h.events.names().filter(n => n.startsWith('call'))).toEqual(['callStarted', 'callProgress', 'callAnswered'])
  })
})

describe('how calls end', () => {
  it('remote BYE after answer: hangup by remote, media released', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)
    const sdh = h.sdh()

    h.pbx.sendBye(invite)

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'remote' } })
    await h.pbx.waitForResponse(200, 'BYE')
    await vi.waitFor(() => expect(sdh.closed).toBe(true))
    expect(sdh.micTrack.readyState).toBe('ended')
  })

  it('local hangup after answer: BYE sent, hangup by local', async () => {
    const h = await registered()
    const { callId } = await answered(h)

    await h.phone.hangup()

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'local' } })
    const bye = await h.pbx.waitFor('BYE')
    expect(bye.callId).toBe(callId)
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
  })

  it('tells the app the call ended before it closes the peer connection (HubSpot hears first)', async () => {
    const h = await registered()
    await answered(h)
    const openWhenTold: boolean[] = []
    h.phone.on('callEnded', () => openWhenTold.push(!h.sdh().closed))

    await h.phone.hangup()

    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    expect(openWhenTold).toEqual([true])
  })

  it('local hangup before answer: CANCEL sent, canceled', async () => {
    const h = await registered()
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()
    h.pbx.respond(invite, 180, 'Ringing')
    await h.events.wait('callProgress')

    await h.phone.hangup()

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'canceled' } })
    expect((await h.pbx.waitFor('CANCEL')).callId).toBe(callId)
    expect(h.pbx.sent('BYE')).toHaveLength(0)
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
  })

  it.each([
    [486, 'Busy Here'],
    [603, 'Decline'],
    [404, 'Not Found'],
    [503, 'Service Unavailable'],
    [302, 'Moved Temporarily'],
  ])('final %i response: rejected with the code and reason', async (statusCode, reasonPhrase) => {
    const h = await registered()
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()

    h.pbx.respond(invite, 180, 'Ringing')
    h.pbx.respond(invite, statusCode, reasonPhrase)

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'rejected', statusCode, reasonPhrase } })
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    // the phone is free again
    await h.phone.call(TARGET)
  })

  it('ring timeout: CANCEL exactly when ringTimeoutMs elapses, ends with ring-timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const h = await registered({ ringTimeoutMs: 30_000 })
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()
    h.pbx.respond(invite, 180, 'Ringing')

    await vi.advanceTimersByTimeAsync(29_999)
    expect(h.pbx.sent('CANCEL')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)

    expect((await h.pbx.waitFor('CANCEL')).callId).toBe(callId)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'ring-timeout' } })
    await vi.advanceTimersByTimeAsync(120_000)
    expect(h.pbx.sent('CANCEL')).toHaveLength(1)
    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('ring timeout is cleared by the answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const h = await registered({ ringTimeoutMs: 30_000 })
    await answered(h)

    await vi.advanceTimersByTimeAsync(60_000)

    expect(h.pbx.sent('CANCEL')).toHaveLength(0)
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('ends the call even when the PBX never answers the CANCEL', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const h = await registered({ ringTimeoutMs: 10_000, cancelGraceMs: 4_000 })
    h.pbx.answerCancel = false
    const { callId } = await h.phone.call(TARGET)
    h.pbx.respond(await h.pbx.invite(), 100, 'Trying') // sip.js only CANCELs after a 1xx

    await vi.advanceTimersByTimeAsync(10_000)
    await h.pbx.waitFor('CANCEL')
    expect(h.events.of('callEnded')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(4_000)

    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'ring-timeout' } }])
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
  })

  it('transport closes mid-call and the agent signs out while it reconnects: the call ends as a local hang-up, once', async () => {
    const h = await registered()
    const { callId } = await answered(h)
    h.pbx.reachable = false

    h.pbx.transport.drop()
    await h.events.wait('callReconnecting')
    await h.phone.unregister()

    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'hangup', by: 'local' } }])
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    await h.phone.hangup()
    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('transport closes while ringing: transport-error right away', async () => {
    const h = await registered()
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()
    h.pbx.respond(invite, 180, 'Ringing')
    await h.events.wait('callProgress')

    h.pbx.transport.drop()

    expect(await h.events.wait('callEnded')).toEqual({
      callId,
      cause: { type: 'transport-error', message: 'Lost the connection to the PBX at wss://pbx.test:8089/ws.' },
    })
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
  })

  it('ICE/DTLS failure after answer: BYE and media-error', async () => {
    const h = await registered()
    const { callId } = await answered(h)

    h.sdh().failConnection()

    const ended = await h.events.wait('callEnded')
    expect(ended).toMatchObject({ callId, cause: { type: 'media-error' } })
    expect((await h.pbx.waitFor('BYE')).callId).toBe(callId)
  })

  it('an answer whose SDP cannot be applied: ACK + BYE and media-error', async () => {
    const h = await registered({ media: { rejectAnswer: true } })
    const { callId } = await h.phone.call(TARGET)
    const invite = await h.pbx.invite()

    h.pbx.respond(invite, 200, 'OK', { body: ANSWER_SDP })

    const ended = await h.events.wait('callEnded')
    expect(ended.callId).toBe(callId)
    expect(ended.cause).toMatchObject({ type: 'media-error', message: expect.stringContaining('Failed to set remote answer sdp') as unknown })
    expect(h.pbx.sent('ACK')).toHaveLength(1)
    expect(h.pbx.sent('BYE')).toHaveLength(1)
    expect(h.events.of('callAnswered')).toHaveLength(0)
  })

  it('emits callEnded exactly once whatever piles up after the end', async () => {
    const h = await registered()
    const { invite } = await answered(h)

    h.pbx.sendBye(invite)
    await h.events.wait('callEnded')
    await h.phone.hangup()
    h.pbx.sendBye(invite)
    await h.pbx.waitForResponse(481, 'BYE')
    await h.phone.unregister()

    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('unregister() and dispose() end the call first', async () => {
    const h = await registered()
    const { callId } = await answered(h)

    await h.phone.dispose()

    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'hangup', by: 'local' } }])
    expect(h.pbx.sent('BYE')).toHaveLength(1)
    expect(h.pbx.sent('REGISTER').at(-1)?.header('expires')).toBe('0')
    expect(h.events.of('registration').at(-1)).toEqual({ state: 'unregistered' })
    // listeners are gone
    await h.phone.register({ user: USER, password: PASSWORD }).catch(() => undefined)
    expect(h.events.of('registration').at(-1)).toEqual({ state: 'unregistered' })
  })

  it('hangup() without a call is a no-op', async () => {
    const h = await registered()
    await expect(h.phone.hangup()).resolves.toBeUndefined()
    expect(h.pbx.sent('CANCEL')).toHaveLength(0)
    expect(h.pbx.sent('BYE')).toHaveLength(0)
  })
})
