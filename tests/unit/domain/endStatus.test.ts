import { describe, expect, it } from 'vitest'
import {
  END_STATUS_TABLE,
  describeEndCause,
  findEndStatusRow,
  hsCallStatus,
  mapEndCause,
  rowMatches,
} from '@/domain/endStatus'
import type { EndStatusRow } from '@/domain/endStatus'
import type { CallEndCause, EndStatus } from '@/domain/types'

const rejected = (statusCode: number, reasonPhrase = ''): CallEndCause => ({ type: 'rejected', statusCode, reasonPhrase })

/** Example causes for a table row: for code ranges, both ends and the middle. */
function examplesFor(row: EndStatusRow): CallEndCause[] {
  switch (row.cause) {
    case 'hangup': return [{ type: 'hangup', by: 'local' }, { type: 'hangup', by: 'remote' }]
    case 'canceled': return [{ type: 'canceled' }]
    case 'ring-timeout': return [{ type: 'ring-timeout' }]
    case 'transport-error': return [{ type: 'transport-error', message: 'WebSocket closed (1006)' }]
    case 'media-error': return [{ type: 'media-error', message: 'Permission denied' }]
    case 'missed': return [{ type: 'missed' }]
    case 'declined': return [{ type: 'declined' }]
    case 'answered-elsewhere': return [{ type: 'answered-elsewhere' }]
    case 'transferred': return [{ type: 'transferred', target: '1005', attended: false }, { type: 'transferred', target: '+442079460600', attended: true }]
    case 'rejected':
      if (row.codes === undefined) {
        // The catch-all: codes no earlier row claims.
        return [300, 302, 400, 401, 403, 405, 407, 410, 415, 420, 481, 487, 488, 499, 601, 604, 606, 699].map((c) => rejected(c))
      }
      return row.codes.flatMap(([from, to]) => [...new Set([from, Math.floor((from + to) / 2), to])].map((c) => rejected(c)))
  }
}

const ALL_CAUSE_TYPES: CallEndCause['type'][] = [
  'hangup', 'canceled', 'rejected', 'ring-timeout', 'transport-error', 'media-error', 'missed', 'declined', 'transferred', 'answered-elsewhere',
]

describe('END_STATUS_TABLE', () => {
  describe.each(END_STATUS_TABLE.map((row) => [`${row.sip} → ${row.status}`, row] as const))('%s', (_name, row) => {
    it.each(examplesFor(row).map((cause) => [JSON.stringify(cause), cause] as const))('%s', (_c, cause) => {
      // The row under test is the one that decides, not an earlier one.
      expect(findEndStatusRow(cause)).toBe(row)
      expect(mapEndCause(cause)).toBe(row.status)
    })
  })

  it('has a catch-all row for every cause type, so no cause falls through', () => {
    for (const type of ALL_CAUSE_TYPES) {
      expect(END_STATUS_TABLE.some((row) => row.cause === type && row.codes === undefined), type).toBe(true)
    }
  })

  it('only gives code ranges to rejected rows, with from ≤ to', () => {
    for (const row of END_STATUS_TABLE) {
      if (row.codes === undefined) continue
      expect(row.cause).toBe('rejected')
      for (const [from, to] of row.codes) expect(from).toBeLessThanOrEqual(to)
    }
  })

  it('has no code-specific row shadowed by the rejected catch-all', () => {
    const catchAll = END_STATUS_TABLE.findIndex((row) => row.cause === 'rejected' && row.codes === undefined)
    const specific = END_STATUS_TABLE.flatMap((row, i) => (row.codes === undefined ? [] : [i]))
    expect(catchAll).toBeGreaterThan(-1)
    expect(Math.max(...specific)).toBeLessThan(catchAll)
  })
})

describe('mapEndCause', () => {
  it.each<[string, CallEndCause, EndStatus]>([
    ['BYE from us', { type: 'hangup', by: 'local' }, 'COMPLETED'],
    ['BYE from them', { type: 'hangup', by: 'remote' }, 'COMPLETED'],
    ['CANCEL before answer', { type: 'canceled' }, 'CANCELED'],
    ['486 Busy Here', rejected(486, 'Busy Here'), 'BUSY'],
    ['600 Busy Everywhere', rejected(600), 'BUSY'],
    ['408 Request Timeout', rejected(408), 'NO_ANSWER'],
    ['480 Temporarily Unavailable', rejected(480), 'NO_ANSWER'],
    ['ring timeout', { type: 'ring-timeout' }, 'NO_ANSWER'],
    ['603 Decline', rejected(603, 'Decline'), 'REJECTED'],
    ['404 Not Found', rejected(404), 'FAILED'],
    ['484 Address Incomplete', rejected(484), 'FAILED'],
    ['500', rejected(500), 'FAILED'],
    ['503 Service Unavailable', rejected(503), 'FAILED'],
    ['599', rejected(599), 'FAILED'],
    ['403 Forbidden', rejected(403), 'FAILED'],
    ['488 Not Acceptable Here', rejected(488), 'FAILED'],
    ['606 Not Acceptable', rejected(606), 'FAILED'],
    ['transport error', { type: 'transport-error', message: 'x' }, 'FAILED'],
    ['media error', { type: 'media-error', message: 'x' }, 'FAILED'],
    ['inbound missed', { type: 'missed' }, 'MISSED'],
    ['inbound declined', { type: 'declined' }, 'REJECTED'],
    ['transferred', { type: 'transferred', target: '1005', attended: false }, 'COMPLETED'],
    ['nonsense status code', rejected(Number.NaN), 'FAILED'],
    ['2xx reported as rejection', rejected(200), 'FAILED'],
  ])('%s → %s', (_name, cause, status) => {
    expect(mapEndCause(cause)).toBe(status)
  })

  it('rows with codes never match non-rejected causes', () => {
    const busyRow = END_STATUS_TABLE.find((row) => row.status === 'BUSY')
    expect(busyRow).toBeDefined()
    if (busyRow) expect(rowMatches(busyRow, { type: 'hangup', by: 'local' })).toBe(false)
  })
})

describe('hsCallStatus', () => {
  // The values the SDK's RawEngagementProperties comment allows for hs_call_status.
  const ALLOWED = ['BUSY', 'CALLING_CRM_USER', 'CANCELED', 'COMPLETED', 'CONNECTING', 'FAILED', 'IN_PROGRESS', 'NO_ANSWER', 'QUEUED', 'RINGING']

  it.each<[EndStatus, string]>([
    ['COMPLETED', 'COMPLETED'],
    ['FAILED', 'FAILED'],
    ['CANCELED', 'CANCELED'],
    ['BUSY', 'BUSY'],
    ['NO_ANSWER', 'NO_ANSWER'],
    ['REJECTED', 'BUSY'],
    ['MISSED', 'NO_ANSWER'],
  ])('%s → %s', (status, expected) => {
    expect(hsCallStatus(status)).toBe(expected)
    expect(ALLOWED).toContain(hsCallStatus(status))
  })

  it('gives an allowed value for every status the table can produce', () => {
    for (const row of END_STATUS_TABLE) expect(ALLOWED).toContain(hsCallStatus(row.status))
  })
})

describe('describeEndCause', () => {
  it.each<[string, CallEndCause, string]>([
    ['local hangup', { type: 'hangup', by: 'local' }, 'You hung up.'],
    ['remote hangup', { type: 'hangup', by: 'remote' }, 'The other side hung up.'],
    ['canceled', { type: 'canceled' }, 'You hung up before the call was answered.'],
    ['486', rejected(486, 'Busy Here'), 'The line is busy.'],
    ['600', rejected(600, 'Busy Everywhere'), 'The line is busy.'],
    ['480', rejected(480, 'Temporarily Unavailable'), 'Nobody answered (480).'],
    ['408', rejected(408, 'Request Timeout'), 'Nobody answered (408).'],
    ['603', rejected(603, 'Decline'), 'Declined by the other side.'],
    ['404', rejected(404, 'Not Found'), 'The number does not exist (404).'],
    ['484', rejected(484, 'Address Incomplete'), 'The number is incomplete (484).'],
    ['503', rejected(503, 'Service Unavailable'), 'The phone system could not place the call (503 Service Unavailable).'],
    ['500 without phrase', rejected(500, ''), 'The phone system could not place the call (500).'],
    ['403', rejected(403, 'Forbidden'), 'The call failed (403 Forbidden).'],
    ['transport', { type: 'transport-error', message: 'Lost the connection to the PBX at wss://pbx.test/ws.' }, 'Lost the connection to the PBX at wss://pbx.test/ws.'],
    ['transport, the calling window closed', { type: 'transport-error', message: 'The HubSpot window that held the call was closed.' }, 'The HubSpot window that held the call was closed.'],
    ['transport without message', { type: 'transport-error', message: ' ' }, 'Lost the connection to the phone system.'],
    ['transport, a bare technical reason', { type: 'transport-error', message: 'WebSocket closed (1006)' }, 'Lost the connection to the phone system.'],
    ['media', { type: 'media-error', message: 'Permission denied' }, 'Audio could not be connected: Permission denied.'],
    ['media with trailing dot', { type: 'media-error', message: 'ICE failed.' }, 'Audio could not be connected: ICE failed.'],
    ['media without message', { type: 'media-error', message: '  ' }, 'Audio could not be connected.'],
    ['missed', { type: 'missed' }, 'Missed call: the caller hung up before it was answered.'],
    ['declined', { type: 'declined' }, 'You declined the call.'],
    ['blind transfer', { type: 'transferred', target: '1005', attended: false }, 'You transferred the call to 1005.'],
    ['attended transfer', { type: 'transferred', target: '+442079460600', attended: true }, 'You transferred the call (attended) to +442079460600.'],
    ['transfer target with control characters', { type: 'transferred', target: '10\r\n05', attended: false }, 'You transferred the call to 10 05.'],
  ])('%s', (_name, cause, sentence) => {
    expect(describeEndCause(cause)).toBe(sentence)
  })

  it.each<[number | undefined, string]>([
    [45, 'No answer after 45 sec.'],
    [30, 'No answer after 30 sec.'],
    [undefined, 'No answer.'],
    [Number.NaN, 'No answer.'],
    [0, 'No answer.'],
  ])('ring timeout of %s', (seconds, sentence) => {
    expect(describeEndCause({ type: 'ring-timeout' }, seconds)).toBe(sentence)
  })

  it('keeps hostile reason phrases on one short line', () => {
    const text = describeEndCause(rejected(403, `Forbidden\r\nX-Injected: yes${'a'.repeat(500)}`))
    expect(text).not.toMatch(/[\r\n]/)
    expect(text.length).toBeLessThan(120)
    expect(text).toMatch(/^The call failed \(403 Forbidden X-Injected: yes/)
  })

  it('has a sentence for every example of every table row', () => {
    for (const row of END_STATUS_TABLE) {
      for (const cause of examplesFor(row)) expect(describeEndCause(cause, 45)).toMatch(/^[A-Z].*\.$/)
    }
  })
})
