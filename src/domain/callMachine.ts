/**
 * The call's phase machine. The store asks it before changing phase, so an
 * event arriving out of order (a late 180 after the BYE, a second dial during a
 * call) is refused in one place instead of corrupting the UI state.
 *
 * To add inbound calls: add phases (e.g. 'incoming') and events to the unions,
 * give them rows in `TRANSITIONS`, and the compiler points at every `switch`
 * and `Record` that needs a new case.
 */

export type CallPhase = 'idle' | 'calling' | 'ringing' | 'connected' | 'ended'
  /** An inbound call is ringing at the agent (not answered yet). */
  | 'incoming'

export type CallEvent =
  /** The agent (or HubSpot's click-to-call) started an outbound call. */
  | { type: 'dial' }
  /** A provisional response (180 Ringing / 183 Session Progress) arrived. */
  | { type: 'progress' }
  | { type: 'answered' }
  /** An INVITE for the agent arrived: ring (inbound calls). */
  | { type: 'incoming' }
  /** The call is over for whatever reason; wrap-up begins. */
  | { type: 'ended' }
  /** The wrap-up was saved (or dismissed): ready for the next call. */
  | { type: 'completed' }
  /** An inbound call that needs no wrap-up ended (another phone of a ring group answered it). */
  | { type: 'dismissed' }

export type CallEventType = CallEvent['type']

/** Allowed transitions; anything missing is refused. */
export const TRANSITIONS: Readonly<Record<CallPhase, Readonly<Partial<Record<CallEventType, CallPhase>>>>> = {
  idle: { dial: 'calling', incoming: 'incoming' },
  // Inbound: answered (200 OK + ACK) or over (declined, missed, failed).
  incoming: { answered: 'connected', ended: 'ended', dismissed: 'idle' },
  // The far end may answer without ever sending 180/183.
  calling: { progress: 'ringing', answered: 'connected', ended: 'ended' },
  // 183 after 180 (or a repeated 180) keeps ringing.
  ringing: { progress: 'ringing', answered: 'connected', ended: 'ended' },
  connected: { ended: 'ended' },
  // The wrap-up must be completed before the next call.
  ended: { completed: 'idle' },
}

/** The next phase, or `null` when `event` is not allowed in `phase`. */
export function transition(phase: CallPhase, event: CallEvent): CallPhase | null {
  return TRANSITIONS[phase][event.type] ?? null
}

/** A call is on the line (or being set up): the agent must not start another one. */
export function isCallActive(phase: CallPhase): boolean {
  return phase === 'calling' || phase === 'ringing' || phase === 'connected' || phase === 'incoming'
}
