/**
 * Calls for the agent: who may ring (signed in, available, no other call; otherwise 480/486
 * with no event), the caller shown safely (`incomingCall`), answer() and decline().
 */
import { Inviter, SessionState } from 'sip.js'
import type { Invitation } from 'sip.js'
import type { CallSession } from './callSession'
import { cancelReason } from './cancelReason'
import type { WireCancel } from './cancelReason'
import { keepFinalSdh } from './dialing'
import { describeMediaError } from './media'
import { audioConstraints, newActiveCall } from './phoneContext'
import type { ActiveCall, PhoneContext, Registration } from './phoneContext'
import { releaseSession } from './sessionRelease'
import { CallError } from './types'
import { t } from '@/i18n'

/** Longest caller display name we pass on. */
const MAX_DISPLAY_NAME = 64

/** The caller's number: `+` and digits, or the raw user part when it is an extension-like name. */
function callerNumber(user: string | undefined): string {
  const raw = (user ?? '').trim()
  const digits = raw.replace(/[\s().-]/g, '')
  if (/^\+?[0-9]{1,32}$/.test(digits))
    return digits
  // An alphanumeric user (e.g. "anonymous", "alice"): shown as is, bounded and one line.
  return raw.replace(/[^\w.+-]/g, '').slice(0, 32) || 'unknown'
}

/** The SIP display name made safe to show: no control characters, one line, at most 64 chars. */
function cleanDisplayName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > MAX_DISPLAY_NAME ? `${clean.slice(0, MAX_DISPLAY_NAME - 1)}…` : clean
}

export interface InboundCalls {
  /** The UserAgent's onInvite. */
  onInvite: (reg: Registration, invitation: Invitation) => void
  answer: () => Promise<void>
  decline: (statusCode?: 480 | 486 | 603) => Promise<void>
  /** Every CANCEL on the wire (see wireTransport.ts), before sip.js handles it. */
  onWireCancel: (cancel: WireCancel) => void
}

export function createInboundCalls(ctx: PhoneContext, session: CallSession): InboundCalls {
  const { log } = ctx

  function refuse(invitation: Invitation, statusCode: number, why: string): void {
    log.warn(`Incoming call refused with ${statusCode}: ${why}`)
    invitation.reject({ statusCode }).catch((error: unknown) => log.warn('Could not refuse the call', error))
  }

  function onInvite(reg: Registration, invitation: Invitation): void {
    if (ctx.disposed || reg !== ctx.registration || reg.stopping || reg.state !== 'registered') {
      refuse(invitation, 480, 'not signed in')
      return
    }
    if (!ctx.available) {
      // Do not disturb, or a frame where HubSpot takes no inbound calls (the record-page widget).
      refuse(invitation, 480, 'not taking inbound calls (do not disturb, or the record-page widget)')
      return
    }
    if (ctx.current) {
      // One call at a time: a second caller hears busy (no call waiting).
      refuse(invitation, 486, 'already on a call')
      return
    }
    const identity = invitation.remoteIdentity
    const fromNumber = callerNumber(identity.uri.user)
    const call = newActiveCall({ callId: invitation.request.callId, target: fromNumber, inviter: invitation, inbound: true, registration: reg, started: true })
    ctx.current = call
    invitation.delegate = {
      onCancel: (cancel) => {
        call.callerCanceled = true
        call.cancelReason ??= cancelReason(cancel.request.getHeaders('reason'))
      },
      // The dialog is confirmed by the caller's ACK (RFC 3261 §13.3.1.4), not by our 200 OK:
      // only then is the call answered. A CANCEL that crossed the 200 wins: the caller hears
      // nothing, so we hang up the half-made dialog and the call ends as what it was.
      // (sip.js calls this before it has finished with the ACK: act after it.)
      onAck: () => queueMicrotask(() => {
        if (call.ended || call.answered || !call.accepted || call.inviter.state !== SessionState.Established)
          return
        if (call.callerCanceled || call.localCause) {
          session.endNow(call, call.cancelReason === 'answered-elsewhere' ? { type: 'answered-elsewhere' } : { type: 'missed' })
          return
        }
        session.onAnswered(call)
      }),
      onSessionDescriptionHandler: keepFinalSdh((sdh) => {
        call.sdh = sdh
      }),
    }
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established && !call.ended)
        call.accepted = true
      else if (state === SessionState.Terminated) {
        queueMicrotask(() => {
          session.finish(call)
          releaseSession(invitation)
        })
      }
    })
    // sip.js already sent 100 Trying and 180 Ringing (autoSendAnInitialProvisionalResponse).
    ctx.emit('incomingCall', { callId: call.callId, fromNumber, displayName: cleanDisplayName(identity.displayName) })
  }

  function ringingCall(): ActiveCall & { inviter: Invitation } {
    const call = ctx.current
    if (!call || call.ended || !call.inbound || call.answered || call.inviter instanceof Inviter || call.inviter.state !== SessionState.Initial)
      throw new CallError('no-call', t('sip.noRingingCall'))
    return call as ActiveCall & { inviter: Invitation }
  }

  async function answer(): Promise<void> {
    const call = ringingCall()
    try {
      await call.inviter.accept({
        sessionDescriptionHandlerOptions: { constraints: audioConstraints(ctx) },
      })
    }
    catch (error) {
      call.negotiationError ??= describeMediaError(error)
      throw new CallError('media', describeMediaError(error))
    }
  }

  async function decline(statusCode: 480 | 486 | 603 = 603): Promise<void> {
    const call = ctx.current
    if (!call || call.ended || !call.inbound || call.answered || call.inviter instanceof Inviter)
      return
    if (call.inviter.state !== SessionState.Initial)
      return
    call.localCause ??= { type: 'declined' }
    await call.inviter.reject({ statusCode }).catch((error: unknown) => log.warn('Could not decline the call', error))
  }

  function onWireCancel(cancel: WireCancel): void {
    const call = ctx.current
    if (!call || !call.inbound || call.ended || call.answered || call.callId !== cancel.callId)
      return
    call.callerCanceled = true
    call.cancelReason ??= cancel.reason
  }

  return { onInvite, answer, decline, onWireCancel }
}
