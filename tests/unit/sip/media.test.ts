import { describe, expect, it } from 'vitest'
import { createRedactor } from '@/sip/logging'
import { ANSWER_SDP, PASSWORD } from './fakePbx'
import { answered, registered, TARGET } from './harness'

function remoteTrackIds(element: HTMLAudioElement): string[] {
  const stream = element.srcObject
  if (!(stream instanceof MediaStream))
    return []
  return stream.getAudioTracks().map(track => track.id)
}

describe('setMuted()', () => {
  it('disables and re-enables the microphone sender track, and survives a hold re-INVITE', async () => {
    const h = await registered()
    await answered(h)
    const mic = h.sdh().micTrack

    h.phone.setMuted(true)
    expect(mic.enabled).toBe(false)

    await h.phone.hold(true)
    await h.phone.hold(false)
    expect(mic.enabled).toBe(false)

    h.phone.setMuted(false)
    expect(mic.enabled).toBe(true)
  })

  it('each call starts unmuted', async () => {
    const h = await registered()
    await answered(h)
    h.phone.setMuted(true)
    await h.phone.hangup()
    await h.events.wait('callEnded')

    await answered(h)

    expect(h.sdh().micTrack.enabled).toBe(true)
  })
})

describe('setRemoteAudioElement()', () => {
  it('plays the remote track through an element set before the call, and lets go after it', async () => {
    const h = await registered()
    const element = document.createElement('audio')
    h.phone.setRemoteAudioElement(element)

    await answered(h)
    // Wired in the task after the answer was reported (HubSpot is told first).
    await new Promise(resolve => setTimeout(resolve, 0))
    const remote = h.sdh().pc.receivers[0]?.track
    expect(remote).toBeDefined()
    expect(remoteTrackIds(element)).toEqual([remote?.id])

    await h.phone.hangup()
    await h.events.wait('callEnded')
    // Let go in the task after the end was reported (HubSpot is told first).
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(element.srcObject).toBeNull()
  })

  it('attaches an element set during the call, and moves to a new element', async () => {
    const h = await registered()
    await answered(h)
    const remoteId = h.sdh().pc.receivers[0]?.track.id
    const first = document.createElement('audio')
    const second = document.createElement('audio')

    h.phone.setRemoteAudioElement(first)
    expect(remoteTrackIds(first)).toEqual([remoteId])

    h.phone.setRemoteAudioElement(second)
    expect(first.srcObject).toBeNull()
    expect(remoteTrackIds(second)).toEqual([remoteId])
  })

  it('plays early media (183 with SDP) before the answer', async () => {
    const h = await registered()
    const element = document.createElement('audio')
    h.phone.setRemoteAudioElement(element)
    await h.phone.call(TARGET)
    const invite = await h.pbx.invite()

    h.pbx.respond(invite, 183, 'Session Progress', { body: ANSWER_SDP })
    await h.events.wait('callProgress')

    expect(remoteTrackIds(element)).toHaveLength(1)
  })
})

describe('hold()', () => {
  it('sends a re-INVITE asking the SDH for hold, then for resume', async () => {
    const h = await registered()
    const { callId } = await answered(h)

    await h.phone.hold(true)
    expect(h.pbx.sent('INVITE')).toHaveLength(2)
    expect(h.sdh().holds.at(-1)).toBe(true)
    expect(h.sdh().micTrack.enabled).toBe(false)

    await h.phone.hold(false)
    expect(h.pbx.sent('INVITE')).toHaveLength(3)
    expect(h.sdh().holds.at(-1)).toBe(false)
    expect(h.sdh().micTrack.enabled).toBe(true)
    expect(h.pbx.sent('INVITE').every(i => i.callId === callId)).toBe(true)
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('needs an answered call', async () => {
    const h = await registered()
    await expect(h.phone.hold(true)).rejects.toMatchObject({ kind: 'no-call' })
  })
})

describe('sendDtmf()', () => {
  it('uses RFC 4733 through the SDH when it can', async () => {
    const h = await registered()
    await answered(h)

    await h.phone.sendDtmf('1#')

    expect(h.sdh().dtmf).toEqual(['1#'])
    expect(h.pbx.sent('INFO')).toHaveLength(0)
  })

  it('falls back to SIP INFO application/dtmf-relay, one per tone', async () => {
    const h = await registered({ media: { dtmfSupported: false } })
    await answered(h)

    await h.phone.sendDtmf('5*')

    const infos = h.pbx.sent('INFO')
    expect(infos.map(i => i.header('content-type'))).toEqual(['application/dtmf-relay', 'application/dtmf-relay'])
    expect(infos.map(i => i.message.body.split('\r\n')[0])).toEqual(['Signal=5', 'Signal=*'])
  })

  it('rejects anything but DTMF characters', async () => {
    const h = await registered()
    await answered(h)
    await expect(h.phone.sendDtmf('1\r\nX')).rejects.toMatchObject({ kind: 'invalid-target' })
    expect(h.sdh().dtmf).toEqual([])
  })
})

describe('transfer()', () => {
  it('sends a blind REFER to sip:<target>@domain; the PBX\'s BYE after the 202 ends the call as transferred', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)

    const transferring = h.phone.transfer('+15550100')

    const refer = await h.pbx.waitFor('REFER')
    expect(refer.callId).toBe(callId)
    expect(refer.header('refer-to')).toContain('sip:+15550100@pbx.test')
    await new Promise(resolve => setTimeout(resolve, 0)) // the 202 arrives
    h.pbx.sendBye(invite) // what Asterisk does once the transfer succeeded
    await transferring
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'transferred', target: '+15550100', attended: false } })
  })
})

describe('createRedactor()', () => {
  it('removes the password and the digest hashes from a line', () => {
    const redact = createRedactor([PASSWORD, 'turn-secret'])
    const line = `pw=${PASSWORD} turn=turn-secret Authorization: Digest username="1001", response="0123abcd", cnonce="xyz"`

    const out = redact(line)

    expect(out).not.toContain(PASSWORD)
    expect(out).not.toContain('turn-secret')
    expect(out).not.toContain('0123abcd')
    expect(out).toContain('username="1001"')
  })
})
