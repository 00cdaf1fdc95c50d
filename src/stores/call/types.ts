/** The plain data the call store keeps (and persists for the wrap-up). No sip.js or SDK objects. */
import type { CallEndCause, EndStatus } from '@/domain/types'
import type { QualitySummary } from '@/domain/quality'
import type { CallCallee, CallerIdMatch } from '@/hubspot/types'

export interface CallRecord {
  callId: string | null
  direction: 'OUTBOUND' | 'INBOUND'
  /** What was dialed: E.164 (`+4420…`) or an extension; only `+` and digits. */
  toNumber: string
  /** The same number formatted for people (with ` ext. 45` when dialed with an extension). */
  display: string
  /**
   * An extension keyed in as DTMF once answered (`sequence`: keys and `,` pauses); `toNumber`
   * stays the main number. Absent for numbers without one and for inbound calls.
   */
  extension?: { digits: string, sequence: string } | null
  fromNumber: string
  startedAt: number
  answeredAt: number | null
  endedAt: number | null
  engagementId: number | null
  /**
   * Why HubSpot has no engagement for this call (its `onCreateEngagementFailed` message, or
   * the catalogue's `wrapUp.neverCreated`); absent or null while it may still come.
   */
  engagementFailure?: string | null
  endStatus: EndStatus | null
  endReason: string | null
  /**
   * The HubSpot record the call is about: the dialed record (DIAL_NUMBER's calleeInfo) or the
   * inbound caller's record; sent as hs_call_callee_object_id/_type. Absent when unknown.
   */
  callee?: CallCallee | null
  /** The audio quality over the answered call (getStats samples), for the wrap-up; absent if never sampled. */
  quality?: QualitySummary | null
}

/** Where an attended or blind transfer stands. */
export interface TransferState {
  /**
   * 'blind': REFER sent, waiting for the PBX; 'calling' / 'ringing' / 'talking': the consultation
   * call to the target; 'completing': REFER with Replaces sent.
   */
  stage: 'idle' | 'blind' | 'calling' | 'ringing' | 'talking' | 'completing'
  /** `+`/digits target and its display form ('' when idle). */
  target: string
  display: string
}

export interface WrapUp {
  outcomeId: string
  notes: string
  /** Save pressed: waiting for the engagement (see `waitingForEngagement`) or for HubSpot's answer to callCompleted. */
  saving: boolean
  /** Saved before HubSpot created the call's engagement: callCompleted goes out once its id arrives. */
  waitingForEngagement: boolean
  /** Why the last save failed (it is sent again on its own). */
  error: string | null
  /** The agent asked to close the wrap-up without saving and has notes: confirm once. */
  confirmingClose: boolean
}

/** A call HubSpot confirmed saving (`onUpdateEngagementSucceeded`): whose it was and the outcome saved ('' for none). */
export interface SavedCall {
  agentId: string
  callId: string
  outcomeId: string
}

export interface Notice {
  id: number
  kind: 'error' | 'info'
  text: string
}

/** Who is calling in (inbound calls only): the SIP display name and HubSpot's caller-id match. */
export interface InboundCaller {
  /** The SIP display name, already cleaned by the adapter; '' when none. */
  displayName: string
  /** 'pending' until HubSpot answers the caller-id lookup. */
  lookup: 'pending' | 'matched' | 'unmatched'
  /** HubSpot's matches, best first (empty unless matched). */
  matches: CallerIdMatch[]
  /**
   * Whose record this call is: the only match, or the one the agent picked (opened) when several
   * records have the number; `null` until then. The call is filed on it (hs_call_callee_object_id).
   */
  chosen: CallerIdMatch | null
}

export type { CallEndCause }
