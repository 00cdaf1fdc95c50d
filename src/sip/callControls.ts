/**
 * What the agent does to the current call: hang up, mute, hold/resume (re-INVITE) and the
 * keypad (RFC 4733 telephone-events, SIP INFO when the browser has no DTMF sender).
 */
import { SessionState } from 'sip.js'
import type { Web } from 'sip.js'
import type { CallSession } from './callSession'
import type { ActiveCall, PhoneContext } from './phoneContext'
import { describeResponse, errorText } from './sipText'
import { CallError } from './types'

const DTMF_PATTERN = /^[0-9A-D#*]{1,32}$/i
/** RTCDTMFSender timing: 100 ms tones, 70 ms gaps (the WebRTC defaults, well within RFC 4733's range). */
const DTMF_TONE_MS = 100
const DTMF_GAP_MS = 70

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
      // Hanging up a ringing inbound call (e.g. HubSpot's END_CALL) declines it.
      await decline()
      return
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
      throw new CallError('no-call', 'There is no answered call.')
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

  async function hold(held: boolean): Promise<void> {
    const call = answeredCall()
    if (call.held === held)
      return
    const what = held ? 'hold' : 'resume'
    await new Promise<void>((resolve, reject) => {
      const sessionDescriptionHandlerOptions: Web.SessionDescriptionHandlerOptions = { hold: held }
      call.inviter.invite({
        sessionDescriptionHandlerOptions,
        requestDelegate: {
          onAccept: () => {
            if (call.inviter.state !== SessionState.Established) {
              reject(new CallError('media', `Could not ${what} the call: the audio could not be renegotiated.`))
              return
            }
            call.held = held
            session.applySenders(call)
            resolve()
          },
          onReject: (response) => {
            reject(new CallError('rejected', `The PBX refused to ${what} the call (${describeResponse(response.message)}).`))
          },
        },
      }).catch((error: unknown) => reject(new CallError('media', `Could not ${what} the call (${errorText(error)}).`)))
    })
  }

  async function sendDtmf(tones: string): Promise<void> {
    if (typeof tones !== 'string' || !DTMF_PATTERN.test(tones))
      throw new CallError('invalid-target', 'DTMF tones are 0-9, A-D, * and #.')
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
          throw new CallError('no-call', 'The call ended before the keys were sent.')
        await new Promise<void>((resolve, reject) => {
          call.inviter.info({
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (response) => {
                reject(new CallError('rejected', `The PBX refused the key press (${describeResponse(response.message)}).`))
              },
            },
            requestOptions: {
              body: {
                contentDisposition: 'render',
                contentType: 'application/dtmf-relay',
                content: `Signal=${tone}\r\nDuration=160`,
              },
            },
          }).catch((error: unknown) => reject(new CallError('rejected', `The key press could not be sent (${errorText(error)}).`)))
        })
      }
    }
    const next = (call.infoQueue ?? Promise.resolve()).catch(() => {}).then(send)
    call.infoQueue = next.catch(() => {})
    return next
  }

  return { answeredCall, hangup, setMuted, hold, sendDtmf }
}
