/**
 * Why a caller's INVITE was cancelled, from the CANCEL's `Reason` header (RFC 3326).
 *
 * A ring group answered by another phone CANCELs the other legs with
 * `Reason: SIP;cause=200;text="Call completed elsewhere"` (RFC 3326 §2; Asterisk, FreeSWITCH,
 * Kamailio's `t_cancel_...`), or the ISDN form `Reason: Q.850;cause=26` ("non-selected user
 * clearing", ITU-T Q.850). A CANCEL that crosses our 200 OK (RFC 3261 §9.2: it no longer
 * affects the INVITE) is answered by sip.js's transaction layer and never reaches the session,
 * so the adapter watches the wire for it (wireTransport.ts).
 */

export type CancelReason = 'answered-elsewhere' | 'caller'

/** `answered-elsewhere` for RFC 3326's SIP cause 200 or Q.850 cause 26, else `caller`. */
export function cancelReason(reasonHeaders: readonly string[]): CancelReason {
  for (const value of reasonHeaders) {
    if (/(?:^|,)\s*SIP\s*;(?:[^,]*;)?\s*cause\s*=\s*200\b/i.test(value) || /(?:^|,)\s*Q\.850\s*;(?:[^,]*;)?\s*cause\s*=\s*26\b/i.test(value))
      return 'answered-elsewhere'
  }
  return 'caller'
}

/** A CANCEL seen on the wire: its Call-ID and Reason header values. */
export interface WireCancel {
  callId: string
  reason: CancelReason
}

/** The Call-ID and Reason of a raw SIP message if it is a CANCEL request, else `null`. */
export function parseWireCancel(raw: string): WireCancel | null {
  if (!raw.startsWith('CANCEL '))
    return null
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? ''
  const callId = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)[ \t]*$/mi.exec(head)?.[1]
  if (!callId)
    return null
  const reasons = [...head.matchAll(/^Reason[ \t]*:[ \t]*(.*)$/gmi)].map(match => match[1] ?? '')
  return { callId, reason: cancelReason(reasons) }
}
