/**
 * The consultation call of an attended transfer: the second dialog, to the transfer target,
 * while the caller is on hold. It has its own life (calling, ringing, answered, ended: the
 * `consultation` events) and hands the agent's ear back to the held call when it ends.
 * Deciding when to place it and joining it to the caller is transfer.ts's job.
 */
import { SessionState } from 'sip.js'
import type { URI } from 'sip.js'
import type { CallEndCause } from '@/domain/types'
import { inviteDelegate, newInviter } from './dialing'
import { describeMediaError } from './media'
import type { SdhObserver } from './media'
import { audioConstraints } from './phoneContext'
import type { ActiveCall, Consultation, PhoneContext } from './phoneContext'
import type { RemoteAudio } from './remoteAudio'
import { releaseSession } from './sessionRelease'
import { CallError } from './types'
import type { SipPhoneEvents } from './types'
import { t } from '@/i18n'

export interface ConsultationLeg {
  /** INVITE `uri` on a second dialog next to the held `main` call. */
  dial: (main: ActiveCall, target: string, uri: URI) => Promise<{ callId: string }>
  /** CANCEL/BYE it; it ends on the PBX's answer, or after the grace time. */
  end: (c: Consultation) => Promise<void>
  /** Forget it and tell the store (`transferred`: it was joined to the caller). */
  drop: (c: Consultation, transferred: boolean) => void
  /** What its SDH reports to. */
  observer: (c: Consultation) => SdhObserver
}

export function createConsultationLeg(ctx: PhoneContext, audio: RemoteAudio): ConsultationLeg {
  const { log } = ctx

  function emitConsultation(c: Consultation, state: SipPhoneEvents['consultation']['state'], cause?: CallEndCause): void {
    ctx.emit('consultation', cause ? { callId: c.callId, target: c.target, state, cause } : { callId: c.callId, target: c.target, state })
  }

  function observer(c: Consultation): SdhObserver {
    return {
      onMediaChanged: () => {
        if (c.ended)
          return
        c.sdh?.enableSenders(!c.main.muted)
        audio.attach(c)
      },
      onMediaFailure: (message) => {
        if (c.ended || c.localCause)
          return
        log.warn(message)
        c.localCause = { type: 'media-error', message }
        void end(c)
      },
      onNegotiationError: () => {},
    }
  }

  /** Forget the consultation and tell the store; the agent hears the held call's side again. */
  function drop(c: Consultation, transferred: boolean): void {
    if (c.ended)
      return
    // The PBX accepted the REFER with Replaces and hangs up this leg itself (before its NOTIFY).
    transferred ||= c.main.transfer?.attended === true && c.main.transfer.target === c.target
    c.ended = true
    clearTimeout(c.graceTimer)
    if (ctx.consult === c)
      ctx.consult = undefined
    audio.detach(c)
    if (c.inviter.state !== SessionState.Terminated) {
      if (c.inviter.state === SessionState.Established)
        c.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
      else
        c.inviter.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
    }
    if (!c.main.ended)
      audio.attach(c.main)
    let cause: CallEndCause
    if (transferred)
      cause = { type: 'transferred', target: c.target, attended: true }
    else if (c.localCause)
      cause = c.localCause
    else if (c.finalResponse && c.finalResponse.statusCode >= 300)
      cause = { type: 'rejected', ...c.finalResponse }
    else if (c.answered)
      cause = { type: 'hangup', by: 'remote' }
    else
      cause = { type: 'media-error', message: t('sip.transferTargetNotSetUp') }
    emitConsultation(c, 'ended', cause)
  }

  async function dial(main: ActiveCall, target: string, uri: URI): Promise<{ callId: string }> {
    const inviter = newInviter(main.registration.ua, uri, audioConstraints(ctx), (sdh) => {
      c.sdh = sdh
    })
    const c: Consultation = { callId: inviter.request.callId, target, inviter, main, answered: false, ended: false }
    ctx.consult = c
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established && !c.ended) {
        c.answered = true
        c.sdh?.enableSenders(!main.muted)
        audio.attach(c)
        emitConsultation(c, 'answered')
      }
      else if (state === SessionState.Terminated) {
        // A final response's delegate runs right after this transition: decide after it.
        queueMicrotask(() => {
          drop(c, false)
          releaseSession(inviter)
        })
      }
    })
    emitConsultation(c, 'calling')
    try {
      await inviter.invite({
        requestDelegate: inviteDelegate(c, (_statusCode, hasBody) => {
          if (hasBody)
            audio.attach(c)
          emitConsultation(c, 'ringing')
        }),
      })
    }
    catch (error) {
      log.warn('The consultation INVITE could not be sent', error)
      c.localCause ??= { type: 'media-error', message: describeMediaError(error) }
      drop(c, false)
      throw new CallError('media', describeMediaError(error))
    }
    return { callId: c.callId }
  }

  async function end(c: Consultation): Promise<void> {
    if (c.ended)
      return
    switch (c.inviter.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        c.localCause ??= { type: 'canceled' }
        c.inviter.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
        break
      case SessionState.Established:
        c.localCause ??= { type: 'hangup', by: 'local' }
        c.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
        break
      default:
        break
    }
    if (c.graceTimer === undefined) {
      // The 487/200 normally ends it; a PBX that never answers must not keep the agent waiting.
      c.graceTimer = setTimeout(() => drop(c, false), ctx.cancelGraceMs)
    }
  }

  return { dial, end, drop, observer }
}
