/**
 * The agent's outbound call: checks before anything is sent, the INVITE, the ring timeout,
 * and `callStarted` as the first event once the INVITE is on the wire (`call()`).
 */
import { SessionState } from 'sip.js'
import type { CallSession } from './callSession'
import { assertTarget, inviteDelegate, newInviter, targetUri } from './dialing'
import { describeMediaError } from './media'
import { audioConstraints, newActiveCall } from './phoneContext'
import type { ActiveCall, PhoneContext } from './phoneContext'
import type { RemoteAudio } from './remoteAudio'
import { releaseSession } from './sessionRelease'
import { CallError } from './types'
import type { CallLabel } from './types'
import { t } from '@/i18n'

export function createOutboundCall(ctx: PhoneContext, session: CallSession, audio: RemoteAudio): (target: string, label?: CallLabel) => Promise<{ callId: string }> {
  const { log, options } = ctx

  function onInviteSent(call: ActiveCall): void {
    if (options.ringTimeoutMs > 0) {
      call.ringTimer = setTimeout(() => {
        call.ringTimer = undefined
        // `dialog` is set as soon as a 2xx arrives, before its SDP is applied: that is an answer.
        if (call.ended || call.answered || call.inviter.dialog || call.inviter.state !== SessionState.Establishing)
          return
        call.localCause ??= { type: 'ring-timeout' }
        session.cancelCall(call)
      }, options.ringTimeoutMs)
    }
  }

  return async function placeCall(target: string, label?: CallLabel): Promise<{ callId: string }> {
    assertTarget(target)
    const reg = ctx.registration
    if (!reg || reg.state !== 'registered')
      throw new CallError('not-registered', t('sip.notSignedIn'))
    if (ctx.current)
      throw new CallError('call-in-progress', t('sip.callInProgress'))
    const uri = targetUri(target, options.domain)

    const inviter = newInviter(reg.ua, uri, audioConstraints(ctx), (sdh) => {
      newCall.sdh = sdh
    })
    const newCall = newActiveCall({ callId: inviter.request.callId, target, inviter, inbound: false, registration: reg, started: false })
    ctx.current = newCall

    inviter.stateChange.addListener((state) => {
      switch (state) {
        case SessionState.Establishing:
          onInviteSent(newCall)
          break
        case SessionState.Established:
          if (!newCall.ended)
            session.onAnswered(newCall)
          // Answered at once although the media had already failed (see the progress callback).
          if (newCall.localCause?.type === 'media-error')
            session.sendBye(newCall)
          break
        case SessionState.Terminating:
          clearTimeout(newCall.ringTimer)
          newCall.ringTimer = undefined
          break
        case SessionState.Terminated:
          session.clearTimers(newCall)
          // A final response's delegate runs right after this transition: decide after it.
          queueMicrotask(() => {
            session.finish(newCall)
            releaseSession(inviter)
          })
          break
        default:
          break
      }
    })

    try {
      await inviter.invite({
        requestDelegate: inviteDelegate(newCall, (statusCode, earlyMedia) => {
          // The media failed while the offer was made (a TURN server refused the credentials):
          // CANCEL now that the (authenticated) INVITE has a provisional answer to cancel.
          if (newCall.localCause?.type === 'media-error') {
            session.cancelCall(newCall)
            return
          }
          if (earlyMedia) {
            newCall.earlyMedia = true
            audio.attach(newCall)
          }
          session.emitCall(newCall, 'callProgress', { callId: newCall.callId, statusCode, earlyMedia })
        }),
      })
    }
    catch (error) {
      newCall.ended = true
      newCall.backlog = []
      session.clearTimers(newCall)
      if (ctx.current === newCall)
        ctx.current = undefined
      const cause = newCall.localCause
      if (cause?.type === 'canceled')
        throw new CallError('canceled', t('sip.cancelledBeforePlaced'))
      if (cause?.type === 'transport-error')
        throw new CallError('not-registered', cause.message)
      log.warn('INVITE could not be sent', error)
      throw new CallError('media', describeMediaError(error))
    }

    newCall.started = true
    ctx.emit('callStarted', label ? { callId: newCall.callId, target, label } : { callId: newCall.callId, target })
    for (const deliver of newCall.backlog.splice(0))
      deliver()
    return { callId: newCall.callId }
  }
}
