/**
 * One in-dialog re-INVITE of the answered call's own media (RFC 3261 §14), keeping its hold
 * state, optionally with an ICE restart (new ICE credentials, RFC 8839 §4.4.1.1.1; the Web
 * SDH's `offerOptions.iceRestart`). What callRecovery (a new WebSocket) and iceRestart (a
 * new network path) send; it never throws.
 */
import { SessionState } from 'sip.js'
import type { Web } from 'sip.js'
import type { ActiveCall } from './phoneContext'
import { t } from '@/i18n'
import { describeResponse, errorText } from './sipText'

export type ReinviteOutcome =
  | { ok: true }
  /** `statusCode`: the PBX's final answer (sip.js makes a 408 of a timeout, a 503 of a send failure); absent when nothing could be sent. */
  | { ok: false, statusCode?: number, message: string }

export function reinvite(call: ActiveCall, options: { iceRestart: boolean }): Promise<ReinviteOutcome> {
  return new Promise<ReinviteOutcome>((resolve) => {
    const sessionDescriptionHandlerOptions: Web.SessionDescriptionHandlerOptions = { hold: call.held }
    if (options.iceRestart)
      sessionDescriptionHandlerOptions.offerOptions = { iceRestart: true }
    call.inviter.invite({
      sessionDescriptionHandlerOptions,
      requestDelegate: {
        onAccept: () => {
          resolve(call.inviter.state === SessionState.Established
            ? { ok: true }
            : { ok: false, message: t('sip.answerNotUsable') })
        },
        onReject: (response) => {
          resolve({ ok: false, statusCode: response.message.statusCode, message: describeResponse(response.message) })
        },
      },
    }).catch((error: unknown) => resolve({ ok: false, message: errorText(error) }))
  })
}

/** The PBX no longer knows the dialog (RFC 3261 §12.2.1.2: 481, or 408 / no answer): the call is over. */
export function dialogGone(outcome: ReinviteOutcome): boolean {
  return !outcome.ok && (outcome.statusCode === 481 || outcome.statusCode === 408)
}
