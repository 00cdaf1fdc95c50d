import { describe, expect, it } from 'vitest'
import type { CallHistory, HistoryEntry } from '@/domain/callHistory'
import {
  addEntry, callResult, canRedial, emptyHistory, HISTORY_LIMIT, markSeen, mergeEntry, mergeHistories,
  parseHistory, redialString, serializeHistory, unseenMissed, withOutcome,
} from '@/domain/callHistory'

const T0 = 1_700_000_000_000

function entry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    callId: 'a@pbx',
    direction: 'OUTBOUND',
    number: '+442079460600',
    display: '+44 20 7946 0600',
    startedAt: T0,
    answeredAt: T0 + 2_000,
    endedAt: T0 + 10_000,
    endStatus: 'COMPLETED',
    extensionSequence: null,
    name: null,
    callee: null,
    outcomeId: null,
    ...over,
  }
}
const missed = (callId: string, startedAt: number): HistoryEntry =>
  entry({ callId, direction: 'INBOUND', startedAt, answeredAt: null, endedAt: startedAt + 5_000, endStatus: 'MISSED' })

describe('call history: what happened to a call', () => {
  it.each([
    [{}, 'answered'],
    [{ direction: 'INBOUND', answeredAt: null, endStatus: 'MISSED' }, 'missed'],
    [{ direction: 'INBOUND', answeredAt: null, endStatus: 'FAILED' }, 'missed'],
    [{ direction: 'INBOUND', answeredAt: null, endStatus: 'REJECTED' }, 'declined'],
    [{ direction: 'INBOUND', answeredAt: null, endStatus: 'CANCELED' }, 'elsewhere'],
    [{ answeredAt: null, endStatus: 'BUSY' }, 'not-connected'],
    [{ answeredAt: null, endStatus: null, endedAt: null }, 'in-progress'],
  ] as const)('%o → %s', (over, result) => {
    expect(callResult(entry(over as Partial<HistoryEntry>))).toBe(result)
  })
})

describe('call history: one entry per Call-ID', () => {
  it('the same call recorded twice (two frames, a reload) is one entry', () => {
    const once = addEntry(emptyHistory(), entry())
    const twice = addEntry(once, entry({ startedAt: T0 + 3, endedAt: T0 + 10_004 }))
    expect(twice.entries).toHaveLength(1)
    expect(twice.entries[0]).toMatchObject({ startedAt: T0, endedAt: T0 + 10_004 })
  })

  it('newest first; the outcome saved later updates the entry', () => {
    let h = addEntry(emptyHistory(), entry({ callId: 'old', startedAt: T0 }))
    h = addEntry(h, entry({ callId: 'new', startedAt: T0 + 60_000 }))
    expect(h.entries.map(e => e.callId)).toEqual(['new', 'old'])
    h = withOutcome(h, 'old', 'outcome-1')
    expect(h.entries.find(e => e.callId === 'old')?.outcomeId).toBe('outcome-1')
    expect(withOutcome(h, 'unknown', 'x')).toBe(h)
  })

  it('a field never goes back to unknown; disagreements resolve the same way whatever the order', () => {
    const a = entry({ answeredAt: null, endStatus: null, endedAt: null, name: null })
    const b = entry({ name: 'Ada Lovelace', outcomeId: 'o1' })
    expect(mergeEntry(a, b)).toEqual(mergeEntry(b, a))
    expect(mergeEntry(a, b)).toMatchObject({ answeredAt: T0 + 2_000, endStatus: 'COMPLETED', name: 'Ada Lovelace', outcomeId: 'o1' })
    const c = entry({ answeredAt: null, endStatus: 'MISSED', direction: 'INBOUND' })
    const d = entry({ endStatus: 'COMPLETED', direction: 'INBOUND' })
    expect(mergeEntry(c, d).endStatus).toBe('COMPLETED')
    expect(mergeEntry(d, c).endStatus).toBe('COMPLETED')
  })

  it('merging histories is commutative, associative and idempotent (frames converge)', () => {
    const x: CallHistory = { entries: [entry({ callId: '1' }), missed('2', T0 + 1)], seenAt: 5 }
    const y: CallHistory = { entries: [entry({ callId: '1', name: 'Bob' }), entry({ callId: '3', startedAt: T0 + 2 })], seenAt: 9 }
    const z: CallHistory = { entries: [missed('2', T0 + 1), entry({ callId: '4', startedAt: T0 - 1, outcomeId: 'o' })], seenAt: 7 }
    const s = (h: CallHistory): string => serializeHistory(h)
    expect(s(mergeHistories(x, y))).toBe(s(mergeHistories(y, x)))
    expect(s(mergeHistories(mergeHistories(x, y), z))).toBe(s(mergeHistories(x, mergeHistories(y, z))))
    expect(s(mergeHistories(x, x))).toBe(s(mergeHistories(emptyHistory(), x)))
    expect(mergeHistories(x, y).seenAt).toBe(9)
  })

  it('bounded: the newest HISTORY_LIMIT calls are kept', () => {
    let h = emptyHistory()
    for (let i = 0; i < HISTORY_LIMIT + 7; i++)
      h = addEntry(h, entry({ callId: `c${i}`, startedAt: T0 + i }))
    expect(h.entries).toHaveLength(HISTORY_LIMIT)
    expect(h.entries[0]?.callId).toBe(`c${HISTORY_LIMIT + 6}`)
    expect(h.entries.at(-1)?.callId).toBe('c7')
  })
})

describe('call history: missed calls until seen', () => {
  it('counts missed calls after seenAt; declined, answered-elsewhere and answered calls do not count', () => {
    let h = emptyHistory()
    h = addEntry(h, missed('m1', T0))
    h = addEntry(h, entry({ callId: 'd', direction: 'INBOUND', answeredAt: null, endStatus: 'REJECTED' }))
    h = addEntry(h, entry({ callId: 'e', direction: 'INBOUND', answeredAt: null, endStatus: 'CANCELED' }))
    h = addEntry(h, entry({ callId: 'ok', direction: 'INBOUND' }))
    h = addEntry(h, missed('m2', T0 + 1))
    expect(unseenMissed(h)).toBe(2)
    h = markSeen(h, T0 + 100)
    expect(unseenMissed(h)).toBe(0)
    h = addEntry(h, missed('m3', T0 + 200))
    expect(unseenMissed(h)).toBe(1)
  })

  it('seen covers every listed call even when its frame\'s clock ran ahead', () => {
    const h = markSeen(addEntry(emptyHistory(), missed('m', T0 + 5_000)), T0)
    expect(h.seenAt).toBe(T0 + 5_000)
    expect(unseenMissed(h)).toBe(0)
  })
})

describe('call history: stored form', () => {
  it('round-trips', () => {
    const h = addEntry(addEntry(emptyHistory(), entry({ name: 'Ada', callee: { objectId: 9, objectType: 'CONTACT' }, extensionSequence: ',45' })), missed('m', T0 + 1))
    expect(parseHistory(serializeHistory(markSeen(h, T0 + 9)))).toEqual(markSeen(h, T0 + 9))
  })

  it.each([null, '', 'not json', '[]', '{"v":2,"entries":[]}', '{"v":1}'])('%j reads as empty', (raw) => {
    expect(parseHistory(raw)).toEqual(emptyHistory())
  })

  it('drops entries that do not parse, keeps the rest', () => {
    const raw = JSON.stringify({ v: 1, seenAt: 3, entries: [entry(), { callId: 'x' }, { ...entry({ callId: 'y' }), endStatus: 'WHATEVER' }, 7] })
    expect(parseHistory(raw)).toEqual({ seenAt: 3, entries: [entry()] })
  })
})

describe('call history: redial', () => {
  it('dials the number with the extension as it was keyed in', () => {
    expect(redialString(entry({ extensionSequence: ',45' }))).toBe('+442079460600,45')
    expect(redialString(entry({ number: '1006' }))).toBe('1006')
  })
  it('an anonymous caller cannot be called back', () => {
    expect(canRedial(entry({ number: '' }))).toBe(false)
    expect(canRedial(entry({ number: 'anonymous' }))).toBe(false)
    expect(canRedial(entry({ number: '1006' }))).toBe(true)
  })
})
