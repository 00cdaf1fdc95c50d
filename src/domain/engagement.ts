/**
 * The engagement properties we write on `callCompleted`.
 *
 * HubSpot renders `hs_call_body` as rich text, so the agent's notes must be
 * escaped: a note like "<b>" or "Tom & Jerry" must show as typed, and a pasted
 * `<img onerror=…>` must not run in anyone's CRM.
 */
import { hsCallStatus } from '@/domain/endStatus'
import { formatPhoneForDisplay } from '@/domain/phoneNumber'
import type { CallDirection, EndStatus } from '@/domain/types'
import type { EngagementProperties } from '@/hubspot/types'

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\'': '&#39;',
}

/** Plain text in, safe HTML out: special characters escaped, line breaks as `<br>`. */
export function notesToHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
    .replace(/\r\n|\r|\n/g, '<br>')
}

export interface EngagementInput {
  /** When the call was started (ms since epoch); where the call sits on the timeline. */
  callStartTime: number
  /** When the far end answered; absent if it never did. */
  answeredAt?: number
  endedAt: number
  status: EndStatus
  /** A call outcome id (HubSpot's or a portal's own); empty or absent = none chosen. */
  outcomeId?: string
  notes: string
  toNumber: string
  fromNumber: string
  direction: CallDirection
  /** The HubSpot record called (or calling, inbound); absent = let HubSpot file it by number. */
  callee?: { objectId: number, objectType: string } | null
}

/** Talk time in whole milliseconds: answer to hang-up, 0 if never answered. */
export function talkTimeMs(input: Pick<EngagementInput, 'answeredAt' | 'endedAt'>): number {
  const { answeredAt, endedAt } = input
  if (answeredAt === undefined || !Number.isFinite(answeredAt) || !Number.isFinite(endedAt)) return 0
  return Math.max(0, Math.round(endedAt - answeredAt))
}

export function callTitle(direction: CallDirection, toNumber: string, fromNumber: string): string {
  const other = direction === 'OUTBOUND' ? toNumber : fromNumber
  const shown = other.trim() === '' ? 'an unknown number' : formatPhoneForDisplay(other.trim())
  return direction === 'OUTBOUND' ? `Outbound call to ${shown}` : `Inbound call from ${shown}`
}

export function buildEngagementProperties(input: EngagementInput): EngagementProperties {
  const properties: EngagementProperties = {
    hs_timestamp: input.callStartTime,
    hs_call_body: notesToHtml(input.notes),
    hs_call_duration: String(talkTimeMs(input)),
    hs_call_status: hsCallStatus(input.status),
    hs_call_to_number: input.toNumber,
    hs_call_from_number: input.fromNumber,
    hs_call_direction: input.direction,
    hs_call_title: callTitle(input.direction, input.toNumber, input.fromNumber),
  }
  const outcome = input.outcomeId?.trim()
  if (outcome !== undefined && outcome !== '') properties.hs_call_disposition = outcome
  if (input.callee) {
    properties.hs_call_callee_object_id = String(input.callee.objectId)
    properties.hs_call_callee_object_type = input.callee.objectType
  }
  return properties
}
