/**
 * Shared vocabulary of the softphone. Pure types: no Vue, no sip.js, no SDK.
 * The adapters translate the outside world into these, the store and the
 * domain functions reason only in these.
 */

/** HubSpot's call end statuses (the SDK's `EndStatus`, including REJECTED and MISSED). */
export type EndStatus =
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELED'
  | 'BUSY'
  | 'NO_ANSWER'
  | 'REJECTED'
  | 'MISSED'

export type CallDirection = 'OUTBOUND' | 'INBOUND'

/**
 * Why a call ended, as the SIP layer saw it. `mapEndCause` in
 * `endStatus.ts` turns this into HubSpot's `EndStatus`.
 */
export type CallEndCause =
  /** The call was answered and then hung up (BYE) by us or by the far end. */
  | { type: 'hangup', by: 'local' | 'remote' }
  /** We cancelled (CANCEL) before the far end answered. */
  | { type: 'canceled' }
  /** The far end or the PBX answered the INVITE with a final 3xx–6xx response. */
  | { type: 'rejected', statusCode: number, reasonPhrase: string }
  /** Nobody answered within the configured ringing timeout (we sent CANCEL). */
  | { type: 'ring-timeout' }
  /** The WebSocket to the PBX failed or closed during the call. */
  | { type: 'transport-error', message: string }
  /** getUserMedia, ICE or DTLS failed, or the SDP could not be negotiated. */
  | { type: 'media-error', message: string }
  /** An inbound call that the caller abandoned before we answered. */
  | { type: 'missed' }
  /** An inbound call that we declined. */
  | { type: 'declined' }
  /**
   * An inbound call answered by another phone (a ring group): the CANCEL said
   * `Reason: SIP;cause=200` or `Q.850;cause=26` (RFC 3326).
   */
  | { type: 'answered-elsewhere' }
  /** The agent transferred the answered call (REFER accepted and the target answered, or a blind REFER). */
  | { type: 'transferred', target: string, attended: boolean }
