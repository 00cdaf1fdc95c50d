/**
 * What a finished call leaves behind in sip.js.
 *
 * sip.js keeps an answered INVITE's transaction for 64×T1 = 32 s after the call: Timer M for our
 * INVITE, Timer L for a caller's (RFC 6026 §7.1/§7.2), to absorb a retransmitted or forked 2xx. That
 * timer holds sip.js's user agent client/server, and through its delegate (and the dialog's) the
 * whole Inviter/Invitation: its session description handler with the call's media streams, our
 * call record and every closure they reach. The bench's heap snapshot found every call of the last
 * 32 s kept that way (about 11 KB of the JS heap each, plus Blink's media objects).
 *
 * `releaseSession` cuts those links once the session is Terminated. The transaction and the dialog
 * stay as sip.js keeps them (a retransmitted 2xx is still re-ACKed by the transaction layer), and a
 * 2xx from another fork that arrives afterwards is acknowledged and hung up at once, as sip.js's
 * Inviter does for any dialog beyond the first (RFC 3261 §13.2.2.4: a UAC that does not want a
 * confirmed dialog ACKs it and sends BYE).
 */
import { SessionState } from 'sip.js'
import type { Session } from 'sip.js'
import type { IncomingInviteRequest, OutgoingInviteRequest, OutgoingInviteRequestDelegate } from 'sip.js/lib/core/index.js'

/**
 * The sip.js internals the links run through (sip.js 0.21: `Inviter.outgoingInviteRequest` and
 * `Invitation.incomingInviteRequest` are private fields; the request's `delegate` is public).
 */
interface SessionInternals {
  outgoingInviteRequest?: Pick<OutgoingInviteRequest, 'delegate'>
  incomingInviteRequest?: Pick<IncomingInviteRequest, 'delegate'>
}

/** A 2xx that arrives after the call is over: ACK it and hang up that dialog. */
export const lateAcceptDelegate: OutgoingInviteRequestDelegate = {
  onAccept: (response) => {
    try {
      response.ack()
      response.session.bye()
    }
    catch {
      // The connection is gone: the far end's 2xx retransmissions time out (RFC 3261 §13.3.1.4).
    }
  },
}

/**
 * Lets a Terminated session go: its INVITE's transaction no longer reaches it. Does nothing before
 * Terminated. Idempotent.
 */
export function releaseSession(session: Session): void {
  if (session.state !== SessionState.Terminated)
    return
  // The dialog is disposed once the session is over (sip.js routes nothing more to it).
  const dialog = session.dialog
  if (dialog)
    dialog.delegate = undefined
  const internals = session as unknown as SessionInternals
  if (internals.outgoingInviteRequest)
    internals.outgoingInviteRequest.delegate = lateAcceptDelegate
  // A CANCEL for a call that is over needs no answer from the session: the transaction answers it.
  if (internals.incomingInviteRequest)
    internals.incomingInviteRequest.delegate = undefined
}
