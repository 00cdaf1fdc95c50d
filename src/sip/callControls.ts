/**
 * What the agent does to the current call: hang up, mute, hold/resume (re-INVITE) and the
 * keypad (RFC 4733 telephone-events, SIP INFO when the browser has no DTMF sender).
 */
import { RequestPendingError, SessionState } from 'sip.js'
import type { Web } from 'sip.js'
import type { CallSession } from './callSession'
import type { ActiveCall, PhoneContext } from './phoneContext'
import { describeResponse, errorText } from './sipText'
import { CallError } from './types'
import { t } from '@/i18n'

const DTMF_PATTERN = /^[0-9A-D#*]{1,32}$/i
/** RTCDTMFSender timing: 100 ms tones, 70 ms gaps (the WebRTC defaults, well within RFC 4733's range). */
const DTMF_TONE_MS = 100
const DTMF_GAP_MS = 70
/** How often hold/resume is tried when the PBX answers 491 Request Pending (glare). */
export const GLARE_ATTEMPTS = 3

/** A re-INVITE that met another one (491, RFC 3261 §14.1): worth trying again later. */
class GlareError extends Error {
  constructor(readonly callError: CallError) {
    super(callError.message)
  }
}

/**
 * RFC 3261 §14.1: after a 491, wait 2.1–4 s (in 10 ms steps) when we own the dialog's Call-ID
 * (we sent the INVITE), else 0–2 s, before trying the re-INVITE again.
 */
export function glareDelayMs(ownsCallId: boolean, random: () => number = Math.random): number {
  const [from, to] = ownsCallId ? [2100, 4000] : [0, 2000]
  return from + Math.floor(random() * ((to - from) / 10 + 1)) * 10
}

export interface CallControls {
  /** The current call if it is answered, else a CallError 'no-call'. */
  answeredCall: () => ActiveCall
  hangup: () => Promise<void>
  setMuted: (muted: boolean) => void
  hold: (held: boolean) => Promise<void>
  sendDtmf: (tones: string) => Promise<void>
}

export function createCallControls(ctx: PhoneContext, session: CallSession, decline: () => Promise<void>): CallControls {
  async function hangup(): Promise<void> {
    const call = ctx.current
    if (!call || call.ended)
      return
    if (call.inbound && !call.answered) {
      if (call.inviter.state === SessionState.Initial) {
        // Hanging up a ringing inbound call (e.g. HubSpot's END_CALL) declines it.
        await decline()
        return
      }
      // Our 200 OK is out but not yet ACKed: never reported answered, so it ends as declined; the
      // BYE waits for the ACK (RFC 3261 §15) below, the agent does not.
      call.localCause ??= { type: 'declined' }
    }
    switch (call.inviter.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        call.localCause ??= { type: 'canceled' }
        session.cancelCall(call)
        break
      case SessionState.Established:
        call.localCause ??= { type: 'hangup', by: 'local' }
        session.sendBye(call)
        // Answered inbound call whose ACK has not arrived: sip.js holds the BYE until the ACK
        // or the 2xx retransmission timeout (RFC 3261 §15: 64·T1 = 32 s). The agent does not
        // wait for it: the call ends now, the BYE still goes out when sip.js may send it.
        if (!call.ended && (call.inviter.state as SessionState) === SessionState.Terminating)
          session.finish(call)
        break
      default:
        break
    }
  }

  function answeredCall(): ActiveCall {
    const call = ctx.current
    if (!call || call.ended || call.inviter.state !== SessionState.Established)
      throw new CallError('no-call', t('sip.noAnsweredCall'))
    return call
  }

  function setMuted(muted: boolean): void {
    const call = ctx.current
    if (!call || call.ended)
      return
    call.muted = muted
    session.applySenders(call)
    const consult = ctx.consult
    if (consult && consult.main === call && !consult.ended)
      consult.sdh?.enableSenders(!muted)
  }

  /**
   * Hold or resume. A re-INVITE the PBX refuses leaves the call as it was (sip.js rolls the
   * offer back through ObservedSdh): the audio goes on, the far end's next offer is answered
   * with the call's real hold state. 491 Request Pending (glare: both sides re-INVITEd at once)
   * is tried again after RFC 3261 §14.1's interval, up to `GLARE_ATTEMPTS` times.
   */
  async function hold(held: boolean): Promise<void> {
    const call = answeredCall()
    if (call.held === held)
      return
    for (let attempt = 1; ; attempt++) {
      try {
        await reinvite(call, held)
        return
      }
      catch (error) {
        // Answer the far end's next offer with what the call really is (sip.js keeps the
        // options of the refused re-INVITE for that).
        const stillAs: Web.SessionDescriptionHandlerOptions = { hold: call.held }
        call.inviter.sessionDescriptionHandlerOptionsReInvite = stillAs
        if (!(error instanceof GlareError) || attempt >= GLARE_ATTEMPTS)
          throw error instanceof GlareError ? error.callError : error
      }
      await new Promise(resolve => setTimeout(resolve, ctx.glareDelayMs(!call.inbound)))
      if (call.ended || call.inviter.state !== SessionState.Established)
        throw new CallError('no-call', t('sip.endedBeforeHold'))
      if (call.held === held)
        return
    }
  }

  function reinvite(call: ActiveCall, held: boolean): Promise<void> {
    const what = held ? 'hold' : 'resume'
    const busy = (): CallError => new CallError('rejected', t(`sip.${what}Busy`))
    return new Promise<void>((resolve, reject) => {
      // RFC 3261 §14.1: no re-INVITE while another INVITE transaction of the dialog is in progress
      // (the PBX's own re-INVITE, e.g. a session refresh not yet ACKed): wait like after a 491.
      // (sip.js's dialog is a core SessionDialog; its public type hides these two fields.)
      const dialog = call.inviter.dialog as { reinviteUserAgentServer?: unknown, reinviteUserAgentClient?: unknown } | undefined
      if (dialog?.reinviteUserAgentServer || dialog?.reinviteUserAgentClient) {
        reject(new GlareError(busy()))
        return
      }
      const sessionDescriptionHandlerOptions: Web.SessionDescriptionHandlerOptions = { hold: held }
      call.inviter.invite({
        sessionDescriptionHandlerOptions,
        requestDelegate: {
          onAccept: () => {
            if (call.inviter.state !== SessionState.Established) {
              reject(new CallError('media', t(`sip.${what}Renegotiation`)))
              return
            }
            call.held = held
            session.applySenders(call)
            resolve()
          },
          onReject: (response) => {
            const refused = new CallError('rejected', t(`sip.${what}Refused`, { why: describeResponse(response.message) }))
            reject(response.message.statusCode === 491 ? new GlareError(refused) : refused)
          },
        },
      }).catch((error: unknown) => {
        // sip.js refuses a second re-INVITE while one is in progress (either side's): glare too.
        if (error instanceof RequestPendingError)
          reject(new GlareError(busy()))
        else
          reject(new CallError('media', t(`sip.${what}Failed`, { why: errorText(error) })))
      })
    })
  }

  async function sendDtmf(tones: string): Promise<void> {
    if (typeof tones !== 'string' || !DTMF_PATTERN.test(tones))
      throw new CallError('invalid-target', t('sip.badDtmf'))
    const call = answeredCall()
    const upper = tones.toUpperCase()
    if (ctx.options.dtmfMode !== 'info' && call.sdh?.insertDtmf(upper, DTMF_TONE_MS, DTMF_GAP_MS))
      return
    await sendDtmfInfo(call, upper)
  }

  /** SIP INFO (application/dtmf-relay), one request per tone, queued behind earlier presses. */
  function sendDtmfInfo(call: ActiveCall, tones: string): Promise<void> {
    const send = async (): Promise<void> => {
      for (const tone of tones) {
        if (call.ended)
          throw new CallError('no-call', t('sip.endedBeforeKeys'))
        await new Promise<void>((resolve, reject) => {
          call.inviter.info({
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (response) => {
                reject(new CallError('rejected', t('sip.keyRefused', { why: describeResponse(response.message) })))
              },
            },
            requestOptions: {
              body: {
                contentDisposition: 'render',
                contentType: 'application/dtmf-relay',
                content: `Signal=${tone}\r\nDuration=160`,
              },
            },
          }).catch((error: unknown) => reject(new CallError('rejected', t('sip.keyNotSent', { why: errorText(error) }))))
        })
      }
    }
    const next = (call.infoQueue ?? Promise.resolve()).catch(() => {}).then(send)
    call.infoQueue = next.catch(() => {})
    return next
  }

  return { answeredCall, hangup, setMuted, hold, sendDtmf }
}
