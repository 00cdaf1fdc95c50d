/**
 * A call kept through a lost WebSocket (callRecovery), ICE restarts (iceRestart) and a Hang up
 * that does not wait for a missing ACK: the real sip.js on the fake PBX.
 */
import { describe, expect, it, vi } from 'vitest'
import { withReconnect } from '@/sip/withReconnect'
import { EventLog } from './fakePbx'
import type { SentRequest } from './fakePbx'
import { afterTask, answered, registered } from './harness'
import type { Harness } from './harness'

/** The requests the softphone sent after the `n`-th one (0-based), as "METHOD call-id". */
function sentAfter(h: Harness, n: number): string[] {
  return h.pbx.requests.slice(n).map(r => r.method)
}

/** The in-dialog re-INVITEs of `invite`'s call (To carries the PBX's tag). */
function reinvitesOf(h: Harness, invite: SentRequest): SentRequest[] {
  return h.pbx.sent('INVITE').filter(r => r.callId === invite.callId && r.header('to')?.includes('tag='))
}

async function until(check: () => boolean): Promise<void> {
  while (!check())
    await new Promise(resolve => setTimeout(resolve, 5))
}

describe('the WebSocket drops during an answered call', () => {
  it('keeps the call, reconnects, REGISTERs, then re-INVITEs over the new connection; a later BYE ends it', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)
    const before = h.pbx.requests.length
    h.pbx.reachable = false

    h.pbx.transport.drop()

    expect(await h.events.wait('callReconnecting')).toEqual({ callId })
    expect(h.events.of('callEnded')).toHaveLength(0)
    const lost = h.events.of('registration').at(-1)
    expect(lost).toMatchObject({ state: 'failed', failure: { kind: 'transport' }, reconnect: { attempt: 1 } })
    await afterTask()
    expect(h.sdh().closed).toBe(false)
    // A few attempts fail while the PBX cannot be reached.
    await until(() => h.events.of('registration').filter(e => e.state === 'registering').length >= 2)
    expect(sentAfter(h, before)).toEqual([])

    h.pbx.reachable = true
    expect(await h.events.wait('callReconnected')).toEqual({ callId })

    // Order on the new connection: REGISTER (challenged, then authorised), then the re-INVITE.
    expect(sentAfter(h, before)).toEqual(['REGISTER', 'REGISTER', 'INVITE', 'ACK'])
    const [rebind] = reinvitesOf(h, invite)
    expect(rebind?.header('from')).toBe(invite.header('from'))
    expect(rebind?.header('contact')).toBe(invite.header('contact'))
    expect(h.sdh().iceRestarts.at(-1)).toBeUndefined()
    expect(h.events.of('registration').at(-1)).toEqual({ state: 'registered' })
    await afterTask()
    expect(h.sdh().closed).toBe(false)

    h.pbx.sendBye(invite)
    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'remote' } })
    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('the far end hung up meanwhile: the re-INVITE gets 481 and the call ends as a remote hang-up, once', async () => {
    const h = await registered()
    const { callId } = await answered(h)
    h.pbx.reinviteReply = { status: 481, reason: 'Call/Transaction Does Not Exist' }

    h.pbx.transport.drop()

    expect(await h.events.wait('callEnded')).toEqual({ callId, cause: { type: 'hangup', by: 'remote' } })
    expect(h.events.names().filter(n => n.startsWith('call'))).toEqual(['callStarted', 'callProgress', 'callAnswered', 'callReconnecting', 'callEnded'])
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    expect(h.events.of('registration').at(-1)).toEqual({ state: 'registered' })
  })

  it('gives up after callReconnectMs: transport-error at once, the BYE as soon as a connection exists', async () => {
    const h = await registered({ callReconnectMs: 200 })
    const { callId, invite } = await answered(h)
    h.pbx.reachable = false

    h.pbx.transport.drop()

    const ended = await h.events.wait('callEnded')
    expect(ended).toEqual({
      callId,
      cause: { type: 'transport-error', message: 'Lost the connection to the PBX at wss://pbx.test:8089/ws. The call could not be reconnected within 0 sec.' },
    })
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    expect(h.pbx.sent('BYE')).toHaveLength(0)

    h.pbx.reachable = true
    const bye = await h.pbx.waitFor('BYE')
    expect(bye.callId).toBe(invite.callId)
    await until(() => h.events.of('registration').at(-1)?.state === 'registered')
    expect(reinvitesOf(h, invite)).toHaveLength(0)
    expect(h.events.of('callEnded')).toHaveLength(1)
    expect(h.events.of('callReconnected')).toHaveLength(0)
  })

  it('the agent hangs up while it reconnects: the call ends now, its BYE goes out on the new connection', async () => {
    const h = await registered()
    const { callId, invite } = await answered(h)
    h.pbx.reachable = false
    h.pbx.transport.drop()
    await h.events.wait('callReconnecting')

    await h.phone.hangup()

    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'hangup', by: 'local' } }])
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    h.pbx.reachable = true
    expect((await h.pbx.waitFor('BYE')).callId).toBe(invite.callId)
    await until(() => h.events.of('registration').at(-1)?.state === 'registered')
    expect(reinvitesOf(h, invite)).toHaveLength(0)
    expect(h.events.of('callEnded')).toHaveLength(1)
  })

  it('restarts ICE in the rebinding re-INVITE when the audio path is down too', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    h.sdh().setIce('connected')
    h.pbx.reachable = false
    h.pbx.transport.drop()
    await h.events.wait('callReconnecting')

    // No re-INVITE can go out now: the restart is left to the re-INVITE after reconnecting.
    h.sdh().setIce('disconnected')
    h.pbx.reachable = true

    await h.events.wait('callReconnected')
    expect(reinvitesOf(h, invite)).toHaveLength(1)
    expect(h.sdh().iceRestarts.slice(1)).toEqual([true])
  })

  it('with withReconnect around it: the wrapper passes the recovery on and does not sign in afresh', async () => {
    const h = await registered()
    const phone = withReconnect(h.phone)
    const outer = new EventLog(phone)
    const { callId } = await answered(h)
    const transports = h.pbx.transports.length

    h.pbx.transport.drop()

    expect(await outer.wait('callReconnecting')).toEqual({ callId })
    expect(await outer.wait('callReconnected')).toEqual({ callId })
    expect(h.pbx.transports).toHaveLength(transports)
    expect(outer.of('registration').every(e => e.state === 'registered' || e.reconnect !== undefined)).toBe(true)
    expect(outer.of('callEnded')).toHaveLength(0)
  })

  it('an answered inbound call is kept too: its re-INVITE goes out from our side of the dialog', async () => {
    const h = await registered()
    const incoming = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    await h.phone.answer()
    h.pbx.sendAck(incoming)
    await h.events.wait('callAnswered')
    const before = h.pbx.requests.length

    h.pbx.transport.drop()

    expect(await h.events.wait('callReconnecting')).toEqual({ callId })
    expect(await h.events.wait('callReconnected')).toEqual({ callId })
    const rebind = h.pbx.requests.slice(before).find(r => r.method === 'INVITE')
    expect(rebind?.callId).toBe(incoming.callId)
    // We are the callee: our re-INVITE's From is the original To (with our tag), its To the caller.
    expect(rebind?.header('to')).toContain(`tag=${incoming.fromTag}`)
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('a WebSocket lost while the call rings still ends it (nothing to keep)', async () => {
    const h = await registered()
    const { callId } = await h.phone.call('+441632960123')
    const invite = await h.pbx.invite()
    h.pbx.respond(invite, 180, 'Ringing')
    await h.events.wait('callProgress')

    h.pbx.transport.drop()

    expect((await h.events.wait('callEnded')).cause.type).toBe('transport-error')
    expect(h.events.of('callReconnecting')).toHaveLength(0)
    expect(h.events.of('callEnded')[0]?.callId).toBe(callId)
  })
})

describe('ICE restart', () => {
  it('ICE disconnected after it had connected: a re-INVITE with new ICE credentials, the call goes on', async () => {
    const h = await registered()
    const { invite } = await answered(h)
    h.sdh().setIce('connected')

    h.sdh().setIce('disconnected')

    await until(() => reinvitesOf(h, invite).length === 1)
    await until(() => h.sdh().iceRestarts.length === 2)
    expect(h.sdh().iceRestarts[1]).toBe(true)
    h.sdh().setIce('connected')
    expect(h.events.of('callEnded')).toHaveLength(0)
    // A later interruption restarts again (the count starts over once ICE connected).
    h.sdh().setIce('failed')
    await until(() => reinvitesOf(h, invite).length === 2)
    expect(h.events.of('callEnded')).toHaveLength(0)
  })

  it('the restart is refused and ICE has failed: the call ends media-error with a BYE', async () => {
    const h = await registered()
    const { callId } = await answered(h)
    h.sdh().setIce('connected')
    h.pbx.reinviteReply = { status: 488, reason: 'Not Acceptable Here' }

    h.sdh().setIce('failed')

    const ended = await h.events.wait('callEnded')
    expect(ended.callId).toBe(callId)
    expect(ended.cause).toMatchObject({ type: 'media-error' })
    expect(ended.cause.type === 'media-error' && ended.cause.message).toMatch(/could not be restarted \(488 Not Acceptable Here\)/)
    expect(h.pbx.sent('BYE')).toHaveLength(1)
  })

  it('ICE that never connected and fails still ends the call (no restart)', async () => {
    const h = await registered()
    const { invite } = await answered(h)

    h.sdh().setIce('failed')

    expect((await h.events.wait('callEnded')).cause).toMatchObject({ type: 'media-error' })
    expect(reinvitesOf(h, invite)).toHaveLength(0)
  })
})

describe('Hang up after answering, before the PBX ACKed our 200', () => {
  it('ends the call at once; the BYE follows the ACK (RFC 3261 §15)', async () => {
    const h = await registered()
    const incoming = h.pbx.sendInvite()
    const { callId } = await h.events.wait('incomingCall')
    await h.phone.answer()
    // No ACK yet: the call is not confirmed, so it is not reported answered (RFC 3261 §13.3.1.4).
    expect(h.events.of('callAnswered')).toHaveLength(0)

    await h.phone.hangup()

    // Never confirmed, never reported answered: it ends as a call the agent declined.
    expect(h.events.of('callEnded')).toEqual([{ callId, cause: { type: 'declined' } }])
    await vi.waitFor(() => expect(h.sdh().closed).toBe(true))
    expect(h.pbx.sent('BYE')).toHaveLength(0)
    h.pbx.sendAck(incoming)
    expect((await h.pbx.waitFor('BYE')).callId).toBe(callId)
    expect(h.events.of('callEnded')).toHaveLength(1)
  })
})
