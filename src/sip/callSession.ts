/**
 * The life of the current call, whichever way it came in: events held back until
 * `callStarted`, the answer, and every way it ends (BYE, CANCEL with a grace time, media
 * failure, transport loss) with exactly one `callEnded` and the reason why. A call that ends
 * while the WebSocket is down (see callRecovery) ends at once; its BYE waits for a connection.
 */
import { Inviter, SessionState } from 'sip.js'
import type { CallEndCause } from '@/domain/types'
import type { ConsultationLeg } from './consultation'
import { describeMediaError } from './media'
import type { SdhObserver } from './media'
import type { ActiveCall, PhoneContext } from './phoneContext'
import type { RemoteAudio } from './remoteAudio'
import type { SipPhoneEvents } from './types'
import { t } from '@/i18n'

export interface CallSession {
  /** Call events wait until callStarted went out, so the store always sees the callId first. */
  emitCall: <K extends 'callProgress' | 'callAnswered' | 'callEnded'>(call: ActiveCall, event: K, payload: SipPhoneEvents[K]) => void
  /** Re-apply mute/hold to the microphone. */
  applySenders: (call: ActiveCall) => void
  clearTimers: (call: ActiveCall) => void
  /** Emits callEnded (once) and releases everything the call holds. */
  finish: (call: ActiveCall) => void
  /** End the call right away with `cause`, telling the far end if we still can. */
  endNow: (call: ActiveCall, cause: CallEndCause) => void
  sendBye: (call: ActiveCall) => void
  /** CANCEL (or refuse) and end the call on the answer, or after the grace time. */
  cancelCall: (call: ActiveCall) => void
  onAnswered: (call: ActiveCall) => void
  /** What the call's SDH reports to. */
  observer: (call: ActiveCall) => SdhObserver
}

export function createCallSession(ctx: PhoneContext, audio: RemoteAudio, consultation: ConsultationLeg): CallSession {
  const { log } = ctx

  function emitCall<K extends 'callProgress' | 'callAnswered' | 'callEnded'>(call: ActiveCall, event: K, payload: SipPhoneEvents[K]): void {
    if (call.started)
      ctx.emit(event, payload)
    else
      call.backlog.push(() => ctx.emit(event, payload))
  }

  function observer(call: ActiveCall): SdhObserver {
    return {
      onMediaChanged: () => {
        if (call.ended)
          return
        applySenders(call)
        if (call.answered || call.earlyMedia)
          audio.attach(call)
      },
      onMediaFailure: message => mediaFailed(call, message),
      onNegotiationError: (error) => {
        call.negotiationError ??= describeMediaError(error)
      },
    }
  }

  function applySenders(call: ActiveCall): void {
    call.sdh?.enableSenders(!call.muted && !call.held)
  }

  function clearTimers(call: ActiveCall): void {
    clearTimeout(call.ringTimer)
    clearTimeout(call.graceTimer)
    call.ringTimer = undefined
    call.graceTimer = undefined
  }

  function inferCause(call: ActiveCall): CallEndCause {
    if (call.inbound && !call.answered) {
      if (call.callerCanceled)
        return call.cancelReason === 'answered-elsewhere' ? { type: 'answered-elsewhere' } : { type: 'missed' }
      // Our 200 OK went out but the caller hung up (BYE) or never ACKed: it never connected.
      if (call.accepted && !call.negotiationError)
        return { type: 'missed' }
      return { type: 'media-error', message: call.negotiationError ?? t('sip.notAnswered') }
    }
    if (call.finalResponse && call.finalResponse.statusCode >= 300)
      return { type: 'rejected', ...call.finalResponse }
    if (call.answered && call.transfer)
      return { type: 'transferred', ...call.transfer }
    if (call.answered)
      return { type: 'hangup', by: call.transferred ? 'local' : 'remote' }
    if (call.negotiationError || call.inviter.dialog)
      return { type: 'media-error', message: call.negotiationError ?? t('sip.answerUnusable') }
    return { type: 'media-error', message: t('sip.notSetUp') }
  }

  function finish(call: ActiveCall): void {
    if (call.ended)
      return
    call.ended = true
    clearTimers(call)
    if (ctx.current === call)
      ctx.current = undefined
    if (call.byeOwed) {
      // No connection: release the microphone and peer connection now; the session (its
      // dialog) stays until callRecovery sends the BYE over the next connection.
      call.sdh?.close()
    }
    else if (call.inviter.state !== SessionState.Terminated) {
      // We end it before sip.js did (transport loss, missing 487): close media now.
      call.inviter.dispose().catch((error: unknown) => log.warn('Session cleanup failed', error))
    }
    const cause = call.localCause ?? inferCause(call)
    if (ctx.consult && ctx.consult.main === call)
      consultation.drop(ctx.consult, cause.type === 'transferred')
    const waiter = call.transferWaiter
    call.transferWaiter = undefined
    waiter?.(true)
    emitCall(call, 'callEnded', { callId: call.callId, cause })
    // In the next task, once the app has told HubSpot: emptying the element's srcObject tears
    // down its media pipeline synchronously (~1 ms in the bench's profile). Safe to defer:
    // detach only empties the element while it still plays this call's stream.
    setTimeout(() => audio.detach(call), 0)
  }

  function endNow(call: ActiveCall, cause: CallEndCause): void {
    if (call.ended)
      return
    call.localCause ??= cause
    const state = call.inviter.state
    if (state === SessionState.Established) {
      sendBye(call)
    }
    else if (state === SessionState.Initial || state === SessionState.Establishing) {
      abandon(call)
    }
    finish(call)
  }

  function sendBye(call: ActiveCall): void {
    if (call.reconnecting && !call.registration.ua.isConnected()) {
      // The WebSocket is down (callRecovery is reconnecting): the call ends here now and its
      // BYE goes out as soon as a connection exists.
      call.byeOwed = true
      finish(call)
      return
    }
    try {
      call.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
    }
    catch (error) {
      log.warn('BYE failed', error)
      finish(call)
    }
  }

  /** CANCEL our INVITE, or refuse (480) a caller's INVITE that we have not answered yet. */
  function abandon(call: ActiveCall): void {
    const session = call.inviter
    if (session instanceof Inviter)
      session.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
    else if (session.state === SessionState.Initial)
      session.reject({ statusCode: 480 }).catch((error: unknown) => log.warn('Could not refuse the call', error))
  }

  function cancelCall(call: ActiveCall): void {
    abandon(call)
    if (call.inviter.state !== SessionState.Terminated && call.graceTimer === undefined) {
      // The 487 normally ends it; if the PBX never answers the CANCEL, do not wait 32 s.
      call.graceTimer = setTimeout(() => {
        call.graceTimer = undefined
        finish(call)
      }, ctx.cancelGraceMs)
    }
  }

  function mediaFailed(call: ActiveCall, message: string): void {
    if (call.ended || call.localCause)
      return
    log.warn(message)
    call.localCause = { type: 'media-error', message }
    // Found while the offer was still being made (ICE gathering): the INVITE is not out yet, so
    // there is nothing to CANCEL; the outbound call does it at the first provisional answer.
    if (!call.inbound && !call.started)
      return
    const state = call.inviter.state
    if (state === SessionState.Established)
      sendBye(call)
    else if (state === SessionState.Establishing)
      cancelCall(call)
  }

  function onAnswered(call: ActiveCall): void {
    call.answered = true
    clearTimeout(call.ringTimer)
    call.ringTimer = undefined
    // Tell the app first (HubSpot's CALL_ANSWERED is on the critical path), then wire the audio
    // in the next task: HubSpot gets the message only once this task is over, and playing the
    // remote stream sets up the element's media pipeline synchronously.
    emitCall(call, 'callAnswered', { callId: call.callId })
    applySenders(call)
    setTimeout(() => {
      if (!call.ended)
        audio.attach(call)
    }, 0)
  }

  return { emitCall, applySenders, clearTimers, finish, endNow, sendBye, cancelCall, onAnswered, observer }
}
