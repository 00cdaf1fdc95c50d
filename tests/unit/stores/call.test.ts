import { describe, expect, it } from 'vitest'
import { watch } from 'vue'
import { CallError } from '@/sip/types'
import { useCallStore } from '@/stores/call'
import type { Harness } from '../fakes'
import { createHarness, MemoryStorage } from '../fakes'
import { signedInHarness } from './signedIn'

const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7'
const BUSY = '9d9162e7-6cf3-4944-bf63-4dff82258764'

const signedIn = (options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> => signedInHarness('1001', options)

function dialFromHubSpot(h: Harness, phoneNumber: unknown, countryCode = 'GB'): void {
  if (typeof phoneNumber === 'string')
    h.hubspot.emit('dialNumber', { request: { phoneNumber, countryCode } })
  else
    h.hubspot.emit('dialNumber', { invalid: 'phoneNumber is missing.' })
}

/** Waits until the store's async dial() has placed the call. */
async function settled(): Promise<void> {
  await new Promise<void>(resolve => queueMicrotask(resolve))
  await Promise.resolve()
}

describe('call store: dialing', () => {
  it('turns HubSpot\'s dial request into an INVITE and outgoingCall with the SIP Call-ID', async () => {
    const h = await signedIn()
    const call = useCallStore()
    dialFromHubSpot(h, '020 7946 0600')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460600'])
    expect(call.phase).toBe('calling')
    expect(h.hubspot.sent).toEqual([{
      type: 'outgoingCall',
      data: {
        externalCallId: 'call-1@test',
        toNumber: '+442079460600',
        fromNumber: '1001',
        callStartTime: h.clock.now,
        createEngagement: true,
      },
    }])
  })

  it('uses the payload\'s country code before the configured default', async () => {
    const h = await signedIn()
    useCallStore()
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '(212) 555-0123', countryCode: 'US' } })
    await settled()
    expect(h.sip.actions).toEqual(['call:+12125550123'])
  })

  it('refuses something that is not a phone number: sendError, a visible notice, nothing dialed', async () => {
    const h = await signedIn()
    const call = useCallStore()
    dialFromHubSpot(h, 'call me maybe')
    await settled()
    expect(h.sip.actions).toEqual([])
    expect(h.hubspot.types()).toEqual(['sendError'])
    expect(call.notices.at(-1)?.kind).toBe('error')
    expect(call.notices.at(-1)?.text).toBe((h.hubspot.last('sendError') as { message: string }).message)
    expect(call.phase).toBe('idle')
  })

  it('refuses a malformed dial payload from HubSpot', async () => {
    const h = await signedIn()
    useCallStore()
    dialFromHubSpot(h, undefined)
    expect(h.hubspot.sent).toEqual([{ type: 'sendError', data: { message: 'phoneNumber is missing.' } }])
    expect(h.sip.actions).toEqual([])
  })

  it('refuses a second dial while a call is up', async () => {
    const h = await signedIn()
    useCallStore()
    dialFromHubSpot(h, '+442079460600')
    await settled()
    dialFromHubSpot(h, '+442079460602')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460600'])
    expect(h.hubspot.types()).toEqual(['outgoingCall', 'sendError'])
  })

  it('HubSpot sending the same DIAL_NUMBER twice, 20 ms apart: one INVITE, no ERROR, no notice', async () => {
    const h = await signedIn()
    const call = useCallStore()
    dialFromHubSpot(h, '+442079460600')
    h.clock.now += 20
    dialFromHubSpot(h, '+442079460600')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460600'])
    expect(h.hubspot.types()).toEqual(['outgoingCall'])
    expect(call.notices).toEqual([])
  })

  it('the same number spelt another way while it is still being dialed is the same request', async () => {
    const h = await signedIn()
    const call = useCallStore()
    dialFromHubSpot(h, '+442079460600')
    await settled()
    h.clock.now += 5_000
    dialFromHubSpot(h, '020 7946 0600')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460600'])
    expect(h.hubspot.types()).toEqual(['outgoingCall'])
    expect(call.notices).toEqual([])
  })

  it('the same number again after that call ended and was saved is a new call, however soon', async () => {
    const h = await signedIn()
    const call = useCallStore()
    dialFromHubSpot(h, '+442079460602')
    await settled()
    h.hubspot.emit('engagementCreated', { engagementId: 3 })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    call.saveCall()
    h.hubspot.emit('engagementUpdated', { engagementId: 3 })
    h.clock.now += 300
    dialFromHubSpot(h, '+442079460602')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460602', 'call:+442079460602'])
  })

  it('a repeated unusable DIAL_NUMBER gets one ERROR, not two pop-ups', async () => {
    const h = await signedIn()
    useCallStore()
    dialFromHubSpot(h, 'call me maybe')
    h.clock.now += 20
    dialFromHubSpot(h, 'call me maybe')
    await settled()
    expect(h.hubspot.types()).toEqual(['sendError'])
  })

  it('the same number again once the call is answered is refused (a new request, not a repeat)', async () => {
    const h = await signedIn()
    useCallStore()
    dialFromHubSpot(h, '+442079460600')
    await settled()
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    h.clock.now += 5_000
    dialFromHubSpot(h, '+442079460600')
    await settled()
    expect(h.sip.actions).toEqual(['call:+442079460600'])
    expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'sendError'])
  })

  it('refuses to dial before the agent signed in', async () => {
    const h = createHarness()
    useCallStore()
    dialFromHubSpot(h, '+442079460600')
    await settled()
    expect(h.sip.actions).toEqual([])
    expect(h.hubspot.sent).toEqual([{ type: 'sendError', data: { message: 'Sign in to the phone system before placing a call.' } }])
  })

  it('dials a number typed on the dialpad with the configured default country', async () => {
    const h = await signedIn({ config: { defaultCountry: 'US' } })
    const call = useCallStore()
    expect(await call.dial('212-555-0123', { fromHubSpot: false })).toBe(true)
    expect(h.sip.actions).toEqual(['call:+12125550123'])
    expect(call.call?.display).toBe('+1 212 555 0123')
  })

  it('does not tell HubSpot about a typing mistake on the dialpad, only the agent', async () => {
    const h = await signedIn()
    const call = useCallStore()
    expect(await call.dial('12ab', { fromHubSpot: false })).toBe(false)
    expect(h.hubspot.sent).toEqual([])
    expect(call.notices).toHaveLength(1)
  })

  it('goes back to idle quietly when the call was hung up before the INVITE left', async () => {
    const h = await signedIn()
    h.sip.callError = new CallError('canceled', 'The call was cancelled before it was placed.')
    const call = useCallStore()
    expect(await call.dial('+442079460600', { fromHubSpot: true })).toBe(false)
    expect(call.phase).toBe('idle')
    expect(h.hubspot.sent).toEqual([])
    expect(call.notices.at(-1)).toMatchObject({ kind: 'info', text: 'Call cancelled.' })
  })

  it('goes back to idle with a readable notice when the INVITE cannot be sent', async () => {
    const h = await signedIn()
    h.sip.callError = new Error('Microphone access was denied.')
    const call = useCallStore()
    expect(await call.dial('+442079460600', { fromHubSpot: true })).toBe(false)
    expect(call.phase).toBe('idle')
    expect(h.hubspot.sent).toEqual([{ type: 'sendError', data: { message: 'The call could not be placed: Microphone access was denied.' } }])
  })
})

describe('call store: the call', () => {
  async function ringing(): Promise<{ h: Harness, call: ReturnType<typeof useCallStore> }> {
    const h = await signedIn()
    const call = useCallStore()
    await call.dial('+442079460600', { fromHubSpot: true })
    h.hubspot.emit('engagementCreated', { engagementId: 4242 })
    h.sip.emit('callProgress', { callId: 'call-1@test', statusCode: 180, earlyMedia: false })
    return { h, call }
  }

  it('a call another of the agent\'s frames placed: followed here and announced to HubSpot before its answer', async () => {
    const h = await signedIn()
    const call = useCallStore()
    h.sip.emit('callStarted', { callId: 'elsewhere@test', target: '+442079460600', label: { display: '+44 20 7946 0600', requestedBy: 'hubspot' }, at: h.clock.now - 50 })
    h.sip.emit('callAnswered', { callId: 'elsewhere@test' })
    expect(call.phase).toBe('connected')
    expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered'])
    expect(h.hubspot.last('outgoingCall')).toEqual({
      externalCallId: 'elsewhere@test', toNumber: '+442079460600', fromNumber: '1001', callStartTime: h.clock.now - 50, createEngagement: true,
    })
  })

  it('goes Calling → Ringing → Connected and sends callAnswered with the Call-ID', async () => {
    const { h, call } = await ringing()
    expect(call.phase).toBe('ringing')
    h.clock.now += 5000
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    expect(call.phase).toBe('connected')
    expect(call.call?.answeredAt).toBe(h.clock.now)
    expect(h.hubspot.last('callAnswered')).toEqual({ externalCallId: 'call-1@test' })
  })

  it('ends an answered call as COMPLETED with the engagementId and preselects Connected', async () => {
    const { h, call } = await ringing()
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    expect(call.phase).toBe('ended')
    expect(h.hubspot.last('callEnded')).toEqual({ externalCallId: 'call-1@test', engagementId: 4242, callEndStatus: 'COMPLETED' })
    expect(call.wrapUp.outcomeId).toBe(CONNECTED)
  })

  it('maps a busy line to BUSY and preselects Busy', async () => {
    const { h, call } = await ringing()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    expect((h.hubspot.last('callEnded') as { callEndStatus: string }).callEndStatus).toBe('BUSY')
    expect(call.wrapUp.outcomeId).toBe(BUSY)
    expect(call.call?.endReason).toBeTruthy()
  })

  it('sends callEnded exactly once, even if SIP reports the end twice', async () => {
    const { h } = await ringing()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'canceled' } })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'canceled' } })
    expect(h.hubspot.types().filter(t => t === 'callEnded')).toHaveLength(1)
  })

  it('ignores SIP events that belong to another call', async () => {
    const { h, call } = await ringing()
    h.sip.emit('callAnswered', { callId: 'old-call@test' })
    h.sip.emit('callEnded', { callId: 'old-call@test', cause: { type: 'hangup', by: 'remote' } })
    expect(call.phase).toBe('ringing')
    expect(h.hubspot.types()).not.toContain('callAnswered')
    expect(h.hubspot.types()).not.toContain('callEnded')
  })

  it('hangs up when HubSpot ends the call', async () => {
    const { h } = await ringing()
    h.hubspot.emit('endCall', undefined)
    await settled()
    expect(h.sip.actions).toContain('hangup')
  })

  it('keeps calling after HubSpot failed to create the engagement, and says so', async () => {
    const h = await signedIn()
    const call = useCallStore()
    await call.dial('+442079460600', { fromHubSpot: true })
    h.hubspot.emit('engagementCreateFailed', { message: 'boom' })
    expect(call.phase).toBe('calling')
    expect(call.notices.at(-1)?.kind).toBe('info')
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'canceled' } })
    expect(h.hubspot.last('callEnded')).toEqual({ externalCallId: 'call-1@test', engagementId: undefined, callEndStatus: 'CANCELED' })
  })

  it('mutes and unmutes only while connected, and forgets mute at the end', async () => {
    const { h, call } = await ringing()
    call.toggleMute()
    expect(h.sip.actions).not.toContain('mute:true')
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    call.toggleMute()
    expect(call.muted).toBe(true)
    call.toggleMute()
    expect(h.sip.actions.filter(a => a.startsWith('mute:'))).toEqual(['mute:true', 'mute:false'])
    call.toggleMute()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })
    expect(call.muted).toBe(false)
  })

  describe('the answer\'s phase change follows HubSpot\'s CALL_ANSWERED by one task', () => {
    /** A call ringing, with the store's next-task steps held in `due` until a test runs them. */
    async function ringingHeld() {
      const due: Array<() => void> = []
      const h = await signedIn({ afterTask: step => due.push(step) })
      const call = useCallStore()
      await call.dial('+442079460600', { fromHubSpot: true })
      h.sip.emit('callProgress', { callId: 'call-1@test', statusCode: 180, earlyMedia: false })
      return { h, call, due }
    }

    it('HubSpot hears the answer in the SIP event\'s task; the call reads Connected in the next', async () => {
      const { h, call, due } = await ringingHeld()
      h.clock.now += 3000
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered'])
      expect(call.phase).toBe('ringing')
      expect(call.call?.answeredAt).toBe(h.clock.now)
      expect(due).toHaveLength(1)
      due.shift()!()
      expect(call.phase).toBe('connected')
    })

    it('the call ending before that task still passes through Connected, and HubSpot gets COMPLETED', async () => {
      const { h, call, due } = await ringingHeld()
      const phases: string[] = []
      watch(() => call.phase, phase => phases.push(phase), { flush: 'sync' })
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
      expect(phases).toEqual(['connected', 'ended'])
      expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'callEnded'])
      expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'COMPLETED' })
      due.splice(0).forEach(step => step())
      expect(call.phase).toBe('ended')
    })

    it('a repeated answer event, a lost connection or the agent\'s mute before that task see the call connected', async () => {
      const { h, call, due } = await ringingHeld()
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered'])
      expect(call.phase).toBe('connected')
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      h.sip.emit('callReconnecting', { callId: 'call-1@test' })
      expect(call.reconnecting).toBe(true)
      h.sip.emit('callReconnected', { callId: 'call-1@test' })
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      call.toggleMute()
      expect(call.muted).toBe(true)
      due.splice(0).forEach(step => step())
      expect(call.phase).toBe('connected')
      expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered'])
    })

    it('HubSpot asking for the same number again before that task is refused: a call is in progress', async () => {
      const { h, due } = await ringingHeld()
      h.sip.emit('callAnswered', { callId: 'call-1@test' })
      h.clock.now += 5_000
      dialFromHubSpot(h, '+442079460600')
      await settled()
      expect(h.hubspot.types()).toEqual(['outgoingCall', 'callAnswered', 'sendError'])
      expect(due).toHaveLength(1)
    })
  })

  it('handles an end reported before the INVITE promise resolved', async () => {
    const h = await signedIn()
    const call = useCallStore()
    const originalCall = h.sip.call
    h.sip.call = async (target: string) => {
      const result = await originalCall(target)
      h.sip.emit('callEnded', { callId: result.callId, cause: { type: 'rejected', statusCode: 404, reasonPhrase: 'Not Found' } })
      return result
    }
    await call.dial('+442079460606', { fromHubSpot: true })
    expect(call.phase).toBe('ended')
    expect(h.hubspot.types()).toEqual(['outgoingCall', 'callEnded'])
    expect((h.hubspot.last('callEnded') as { callEndStatus: string }).callEndStatus).toBe('FAILED')
  })
})

describe('call store: wrap-up', () => {
  async function ended(storage?: MemoryStorage): Promise<{ h: Harness, call: ReturnType<typeof useCallStore> }> {
    const h = await signedIn({ storage })
    const call = useCallStore()
    await call.dial('+442079460600', { fromHubSpot: true })
    h.hubspot.emit('engagementCreated', { engagementId: 77 })
    h.clock.now += 2000
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    h.clock.now += 61_000
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })
    return { h, call }
  }

  it('files the call on the record HubSpot dialed (calleeInfo → hs_call_callee_object_id/_type)', async () => {
    const h = await signedIn()
    const call = useCallStore()
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460600', objectId: 12, objectType: 'COMPANY', callee: { objectId: 901, objectType: 'CONTACT' } } })
    await settled()
    h.hubspot.emit('engagementCreated', { engagementId: 12 })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    call.saveCall()
    expect(h.hubspot.last('callCompleted')).toMatchObject({
      engagementProperties: { hs_call_callee_object_id: '901', hs_call_callee_object_type: 'CONTACT' },
    })
  })

  it('sends no callee when the record is unknown (a typed number)', async () => {
    const { h, call } = await ended()
    call.saveCall()
    const properties = (h.hubspot.last('callCompleted') as { engagementProperties: Record<string, unknown> }).engagementProperties
    expect(properties).not.toHaveProperty('hs_call_callee_object_id')
    expect(properties).not.toHaveProperty('hs_call_callee_object_type')
  })

  it('saves the call with every engagement property HubSpot needs, notes escaped', async () => {
    const { h, call } = await ended()
    const start = h.clock.now - 63_000
    call.wrapUp.notes = 'Wants <b>pricing</b> & a demo\nCall back Tuesday'
    call.saveCall()
    expect(h.hubspot.last('callCompleted')).toEqual({
      externalCallId: 'call-1@test',
      engagementId: 77,
      hideWidget: false,
      engagementProperties: expect.objectContaining({
        hs_timestamp: start,
        hs_call_disposition: CONNECTED,
        hs_call_body: 'Wants &lt;b&gt;pricing&lt;/b&gt; &amp; a demo<br>Call back Tuesday',
        hs_call_duration: '61000',
        hs_call_status: 'COMPLETED',
        hs_call_to_number: '+442079460600',
        hs_call_from_number: '1001',
        hs_call_direction: 'OUTBOUND',
      }),
    })
    expect(call.wrapUp.saving).toBe(true)
  })

  it('returns to the dialer when HubSpot confirms, and forgets the draft', async () => {
    const { h, call } = await ended()
    call.wrapUp.notes = 'done'
    call.saveCall()
    h.hubspot.emit('engagementUpdated', { engagementId: 77 })
    expect(call.phase).toBe('idle')
    expect(call.call).toBeNull()
    expect([...h.storage.items.keys()].filter(k => k.includes('wrap-up'))).toEqual([])
  })

  it('stays on the wrap-up with the notes when HubSpot fails, and Retry sends again', async () => {
    const { h, call } = await ended()
    call.wrapUp.notes = 'important'
    call.saveCall()
    h.hubspot.emit('engagementUpdateFailed', { message: 'HubSpot is down' })
    expect(call.phase).toBe('ended')
    expect(call.wrapUp.notes).toBe('important')
    expect(call.wrapUp.error).toContain('HubSpot is down')
    call.saveCall()
    expect(h.hubspot.types().filter(t => t === 'callCompleted')).toHaveLength(2)
    h.hubspot.emit('engagementUpdated', {})
    expect(call.phase).toBe('idle')
  })

  it('keeps the notes as typed across a reload until the call is completed', async () => {
    const storage = new MemoryStorage('local')
    const { call } = await ended(storage)
    call.wrapUp.notes = 'half a thought'
    call.wrapUp.outcomeId = BUSY

    createHarness({ storage })
    const reloaded = useCallStore()
    expect(reloaded.phase).toBe('ended')
    expect(reloaded.wrapUp.notes).toBe('half a thought')
    expect(reloaded.wrapUp.outcomeId).toBe(BUSY)
    expect(reloaded.call?.toNumber).toBe('+442079460600')
  })

  it('refuses a new dial while the last call is not saved, and keeps its notes', async () => {
    const { h, call } = await ended()
    call.wrapUp.notes = 'keep me'
    dialFromHubSpot(h, '+442079460602')
    await settled()
    expect(h.sip.actions.filter(a => a.startsWith('call:'))).toHaveLength(1)
    expect(h.hubspot.types().at(-1)).toBe('sendError')
    expect(call.wrapUp.notes).toBe('keep me')
  })

  it('ignores an update confirmation when nothing is being saved', async () => {
    const { h, call } = await ended()
    h.hubspot.emit('engagementUpdated', {})
    expect(call.phase).toBe('ended')
  })
})
