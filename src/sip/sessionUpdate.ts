/**
 * UPDATE (RFC 3311) in an answered call. sip.js does not implement it and answers 405; we do
 * not advertise it either (sip.js's `Allow` leaves it out), so a PBX that follows RFC 3311 §5.1
 * refreshes the session (RFC 4028) and updates the connected line with a re-INVITE, which
 * sip.js answers (Asterisk's pjsip uses UPDATE for its session timer and connected-line
 * updates only when the far end allows it). A PBX or proxy that sends UPDATE anyway got 405,
 * and a refresher whose refresh fails may end the session (RFC 4028 §10), so the adapter
 * answers UPDATEs itself:
 * - without a body (a session refresh, a connected-line update): 200 OK; the session is
 *   unchanged, and without `Supported: timer` the PBX stays the refresher (RFC 4028 §9);
 * - with an SDP offer: 488 Not Acceptable Here — the offer is refused, the call and its
 *   media go on as they were (RFC 3311 §5.2: a failed UPDATE changes nothing);
 * - with `Require:` extensions: 420 Bad Extension naming them (RFC 3261 §8.2.2.3);
 * - for no dialog of ours: 481.
 * Returns false (sip.js handles it: 405) for what is not an in-dialog UPDATE.
 */
import { Core, SessionState } from 'sip.js'
import type { PhoneContext } from './phoneContext'

export function createSessionUpdate(ctx: PhoneContext): (raw: string) => boolean {
  return function onUpdate(raw: string): boolean {
    const reg = ctx.registration
    if (!reg)
      return false
    const message = Core.Parser.parseMessage(raw, reg.ua.getLogger('sip.Parser'))
    if (!(message instanceof Core.IncomingRequestMessage) || message.method !== 'UPDATE' || !message.toTag)
      return false
    const core = reg.ua.userAgentCore
    const legs = [ctx.current, ctx.consult].filter(leg => leg !== undefined)
    const leg = legs.find((l) => {
      const dialog = l.inviter.dialog
      return dialog !== undefined && dialog.callId === message.callId && dialog.localTag === message.toTag && dialog.remoteTag === message.fromTag
    })
    if (!leg || leg.ended || leg.inviter.state !== SessionState.Established) {
      core.replyStateless(message, { statusCode: 481 })
      return true
    }
    const required = (message.getHeaders('require') ?? []).flatMap(value => value.split(',')).map(token => token.trim()).filter(token => token !== '')
    if (required.length > 0) {
      core.replyStateless(message, { statusCode: 420, extraHeaders: [`Unsupported: ${required.join(', ')}`] })
      return true
    }
    if (message.body) {
      ctx.log.warn('The PBX sent an UPDATE with an offer; refused (488), the call goes on unchanged.')
      core.replyStateless(message, { statusCode: 488 })
      return true
    }
    core.replyStateless(message, { statusCode: 200 })
    return true
  }
}
