/**
 * How a SIP outcome becomes a HubSpot end status, and how we explain it to the agent.
 *
 * The mapping lives in ONE declarative table (`END_STATUS_TABLE`) so that the
 * tests and the docs iterate the very rows the code uses: nobody has to keep a
 * switch statement, a test list and a README table in sync by hand.
 */
import type { CallEndCause, EndStatus } from '@/domain/types'
import { t } from '@/i18n'
import { formatSeconds } from '@/i18n/format'

/** An inclusive range of SIP status codes, e.g. `[500, 599]`. */
export type StatusCodeRange = readonly [from: number, to: number]

export interface EndStatusRow {
  /** Which kind of end this row is about. */
  readonly cause: CallEndCause['type']
  /**
   * Only for `rejected`: the SIP final responses this row covers. Without
   * `codes` the row matches every end of that kind (a catch-all).
   */
  readonly codes?: readonly StatusCodeRange[]
  readonly status: EndStatus
  /** The SIP outcome in words, for docs and test names. */
  readonly sip: string
}

/**
 * First matching row wins, so specific `rejected` rows come before the
 * `rejected` catch-all. Every cause type has a catch-all row (a test checks
 * this), so `mapEndCause` never falls off the end.
 */
export const END_STATUS_TABLE: readonly EndStatusRow[] = [
  { cause: 'hangup', status: 'COMPLETED', sip: 'Answered, then BYE from either side' },
  { cause: 'canceled', status: 'CANCELED', sip: 'Agent hung up before answer (CANCEL)' },
  { cause: 'rejected', codes: [[486, 486], [600, 600]], status: 'BUSY', sip: '486 Busy Here, 600 Busy Everywhere' },
  { cause: 'rejected', codes: [[408, 408], [480, 480]], status: 'NO_ANSWER', sip: '408 Request Timeout, 480 Temporarily Unavailable' },
  { cause: 'ring-timeout', status: 'NO_ANSWER', sip: 'Nobody answered within the ring timeout (we sent CANCEL)' },
  { cause: 'rejected', codes: [[603, 603]], status: 'REJECTED', sip: '603 Decline' },
  { cause: 'rejected', codes: [[404, 404], [484, 484]], status: 'FAILED', sip: '404 Not Found, 484 Address Incomplete' },
  { cause: 'rejected', codes: [[500, 599]], status: 'FAILED', sip: '5xx server failure' },
  { cause: 'rejected', status: 'FAILED', sip: 'Any other final response (other 4xx and 6xx, unfollowed 3xx)' },
  { cause: 'transport-error', status: 'FAILED', sip: 'WebSocket to the PBX failed or closed during the call' },
  { cause: 'media-error', status: 'FAILED', sip: 'getUserMedia, ICE, DTLS or SDP negotiation failed' },
  { cause: 'missed', status: 'MISSED', sip: 'Inbound: the caller gave up before we answered' },
  { cause: 'declined', status: 'REJECTED', sip: 'Inbound: the agent declined the call' },
  { cause: 'answered-elsewhere', status: 'CANCELED', sip: 'Inbound: answered by another phone (CANCEL with Reason SIP;cause=200 or Q.850;cause=26, RFC 3326)' },
  { cause: 'transferred', status: 'COMPLETED', sip: 'Answered, then transferred (REFER accepted; HubSpot also gets callTransferred)' },
]

function codeIn(code: number, ranges: readonly StatusCodeRange[]): boolean {
  return ranges.some(([from, to]) => code >= from && code <= to)
}

/** Whether `row` applies to `cause`. Exported so tests can check "first match wins". */
export function rowMatches(row: EndStatusRow, cause: CallEndCause): boolean {
  if (row.cause !== cause.type) return false
  if (row.codes === undefined) return true
  return cause.type === 'rejected' && codeIn(cause.statusCode, row.codes)
}

/** The table row that decides `cause`'s status. */
export function findEndStatusRow(cause: CallEndCause): EndStatusRow | undefined {
  return END_STATUS_TABLE.find((row) => rowMatches(row, cause))
}

export function mapEndCause(cause: CallEndCause): EndStatus {
  // The fallback is unreachable while every cause type has a catch-all row.
  return findEndStatusRow(cause)?.status ?? 'FAILED'
}

/**
 * The value for the engagement's `hs_call_status` property.
 *
 * The SDK's `EndStatus` (sent with `callEnded`) knows REJECTED and MISSED, but
 * the `hs_call_status` property only accepts BUSY, CALLING_CRM_USER, CANCELED,
 * COMPLETED, CONNECTING, FAILED, IN_PROGRESS, NO_ANSWER, QUEUED and RINGING.
 * So:
 * - REJECTED → BUSY: a declined call (603, or the agent declining an inbound
 *   call) is what a caller hears as "busy"; it is the far end refusing now,
 *   not a broken call (FAILED) nor one nobody attended (NO_ANSWER).
 * - MISSED → NO_ANSWER: an inbound call nobody picked up is exactly that.
 */
export function hsCallStatus(status: EndStatus): string {
  switch (status) {
    case 'REJECTED': return 'BUSY'
    case 'MISSED': return 'NO_ANSWER'
    default: return status
  }
}

/** Text from the network (reason phrases, error messages) made safe to show in one line. */
function oneLine(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim()
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned
}

function withCode(statusCode: number, reasonPhrase: string): string {
  const phrase = oneLine(reasonPhrase, 60)
  return phrase === '' ? String(statusCode) : `${statusCode} ${phrase}`
}

/**
 * A short sentence for the agent saying why the call ended.
 * `ringTimeoutSeconds` is the configured timeout, used for `ring-timeout`.
 */
export function describeEndCause(cause: CallEndCause, ringTimeoutSeconds?: number): string {
  switch (cause.type) {
    case 'hangup':
      return cause.by === 'local' ? t('endReason.hangupLocal') : t('endReason.hangupRemote')
    case 'canceled':
      return t('endReason.canceled')
    case 'ring-timeout':
      return ringTimeoutSeconds !== undefined && Number.isFinite(ringTimeoutSeconds) && ringTimeoutSeconds > 0
        ? t('endReason.ringTimeoutAfter', { seconds: formatSeconds(Math.round(ringTimeoutSeconds)) })
        : t('endReason.ringTimeout')
    case 'transport-error': {
      // What the phone says about the loss is a sentence for the agent (the PBX it lost, how long it
      // tried to reconnect, the HubSpot window that held the call), written in their language; anything
      // else (a bare technical reason) gives way to the general sentence.
      const detail = oneLine(cause.message, 240)
      return /^\p{Lu}.*[.!?。]$/u.test(detail) ? detail : t('endReason.transport')
    }
    case 'media-error': {
      const detail = oneLine(cause.message).replace(/[.。]+$/, '')
      return detail === '' ? t('endReason.media') : t('endReason.mediaDetail', { detail })
    }
    case 'missed':
      return t('endReason.missed')
    case 'declined':
      return t('endReason.declined')
    case 'answered-elsewhere':
      return t('endReason.answeredElsewhere')
    case 'transferred':
      return t(cause.attended ? 'endReason.transferredAttended' : 'endReason.transferred', { target: oneLine(cause.target, 40) })
    case 'rejected':
      return describeRejection(cause.statusCode, cause.reasonPhrase)
  }
}

function describeRejection(code: number, reasonPhrase: string): string {
  switch (code) {
    case 486:
    case 600:
      return t('endReason.busy')
    case 408:
    case 480:
      return t('endReason.noAnswerCode', { code })
    case 603:
      return t('endReason.rejected')
    case 404:
    case 604:
      return t('endReason.notFound', { code })
    case 484:
      return t('endReason.incomplete')
  }
  if (code >= 500 && code <= 599) {
    return t('endReason.serverError', { status: withCode(code, reasonPhrase) })
  }
  return t('endReason.failed', { status: withCode(code, reasonPhrase) })
}
