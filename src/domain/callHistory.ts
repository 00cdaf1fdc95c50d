/**
 * The agent's call history: pure data and the rules for it. No Vue, no storage.
 *
 * One entry per call, keyed by the SIP Call-ID (RFC 3261 §8.1.1.4: the same for every request of a
 * dialog), so the same call recorded twice — by two HubSpot frames fed by the same SIP events, or
 * again after a reload — is one entry, and a later update (the outcome the agent saved) lands on it.
 *
 * The stored list is a state every frame may write. `mergeHistories` is commutative, associative and
 * idempotent on the entries and on `seenAt`, so frames that each merge what they read with what they
 * know end with the same history whatever the order of their writes.
 */
import type { CallDirection, EndStatus } from '@/domain/types'

/** How many calls are kept per agent (the newest); older ones are dropped. */
export const HISTORY_LIMIT = 50

/** The format version of the stored history; another version is read as empty. */
export const HISTORY_VERSION = 1

export interface HistoryEntry {
  /** The SIP Call-ID: the entry's key. */
  callId: string
  direction: CallDirection
  /** The other party's number: what was dialed (outbound) or the caller's number (inbound); `+`/digits or an extension, '' when the caller sent none. */
  number: string
  /** The same number formatted for people (with ` ext. 45` when dialed with one). */
  display: string
  /** An extension keyed in after the answer (`,45`), dialed again on redial. */
  extensionSequence: string | null
  /** The other party's name when known: HubSpot's caller-id match or the SIP display name (inbound). */
  name: string | null
  /** The HubSpot record the call was filed on (`hs_call_callee_object_id` / `_type`), reused on redial. */
  callee: { objectId: number, objectType: string } | null
  /** Epoch milliseconds. */
  startedAt: number
  answeredAt: number | null
  endedAt: number | null
  /** HubSpot's `callEndStatus` for the call. */
  endStatus: EndStatus | null
  /** The outcome id (`hs_call_disposition`) HubSpot saved for the call; null until then. */
  outcomeId: string | null
}

export interface CallHistory {
  /** Newest first (`startedAt` descending, then Call-ID), at most `HISTORY_LIMIT`. */
  entries: HistoryEntry[]
  /** Missed calls that started at or before this instant (epoch ms) have been seen by the agent. */
  seenAt: number
}

export const emptyHistory = (): CallHistory => ({ entries: [], seenAt: 0 })

/**
 * What happened to the call, for the agent:
 * - `answered`: talked (`answeredAt` set);
 * - `missed`: inbound, the caller gave up before the agent answered (HubSpot's MISSED);
 * - `declined`: inbound, the agent declined (REJECTED);
 * - `elsewhere`: inbound, a colleague's phone answered it (CANCELED, RFC 3326 Reason);
 * - `not-connected`: outbound that never connected (busy, no answer, cancelled, failed);
 * - `in-progress`: not ended yet (seen only when a frame recorded the start and nothing since).
 */
export type CallResult = 'answered' | 'missed' | 'declined' | 'elsewhere' | 'not-connected' | 'in-progress'

export function callResult(entry: HistoryEntry): CallResult {
  if (entry.answeredAt !== null)
    return 'answered'
  if (entry.endStatus === null)
    return 'in-progress'
  if (entry.direction === 'INBOUND') {
    if (entry.endStatus === 'REJECTED')
      return 'declined'
    if (entry.endStatus === 'CANCELED')
      return 'elsewhere'
    return 'missed'
  }
  return 'not-connected'
}

/** A missed call: inbound, never answered, not declined by the agent and not taken by a colleague. */
export const isMissed = (entry: HistoryEntry): boolean => callResult(entry) === 'missed'

/** The missed calls the agent has not seen yet (the count on the dialer). */
export function unseenMissed(history: CallHistory): number {
  return history.entries.filter(e => isMissed(e) && e.startedAt > history.seenAt).length
}

/** The history once the agent has looked at it at `now`: every call listed counts as seen. */
export function markSeen(history: CallHistory, now: number): CallHistory {
  const newest = history.entries.reduce((max, e) => Math.max(max, e.startedAt), 0)
  const seenAt = Math.max(history.seenAt, now, newest)
  return seenAt === history.seenAt ? history : { ...history, seenAt }
}

const pick = <T>(a: T | null | undefined, b: T | null | undefined, choose: (x: T, y: T) => T): T | null => {
  if (a === null || a === undefined)
    return b ?? null
  if (b === null || b === undefined)
    return a
  return choose(a, b)
}
const earliest = (x: number, y: number): number => Math.min(x, y)
const latest = (x: number, y: number): number => Math.max(x, y)
/** A deterministic choice between two strings (so the merge does not depend on who writes first). */
const larger = (x: string, y: string): string => (x >= y ? x : y)

/** How final an end status is when two frames disagree: an answered call's status beats one that was not. */
const STATUS_RANK: Record<EndStatus, number> = { COMPLETED: 6, CANCELED: 5, REJECTED: 4, MISSED: 3, BUSY: 2, NO_ANSWER: 1, FAILED: 0 }

/**
 * One entry from two records of the same call: what either knows, and where both know different
 * things, a fixed rule that does not depend on the order (earliest start and answer, latest end, the
 * more final status, else the larger string). A field never goes back to unknown.
 */
export function mergeEntry(a: HistoryEntry, b: HistoryEntry): HistoryEntry {
  return {
    callId: a.callId,
    direction: a.direction,
    number: larger(a.number, b.number),
    display: larger(a.display, b.display),
    extensionSequence: pick(a.extensionSequence, b.extensionSequence, larger),
    name: pick(a.name || null, b.name || null, larger),
    callee: pick(a.callee, b.callee, (x, y) => (x.objectId >= y.objectId ? x : y)),
    startedAt: earliest(a.startedAt, b.startedAt),
    answeredAt: pick(a.answeredAt, b.answeredAt, earliest),
    endedAt: pick(a.endedAt, b.endedAt, latest),
    endStatus: pick(a.endStatus, b.endStatus, (x, y) => (STATUS_RANK[x] >= STATUS_RANK[y] ? x : y)),
    outcomeId: pick(a.outcomeId || null, b.outcomeId || null, larger),
  }
}

const newestFirst = (a: HistoryEntry, b: HistoryEntry): number =>
  b.startedAt - a.startedAt || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0)

/** Two histories as one: entries merged by Call-ID, newest first, the newest `limit` kept; seen up to the later instant. */
export function mergeHistories(a: CallHistory, b: CallHistory, limit = HISTORY_LIMIT): CallHistory {
  const byId = new Map<string, HistoryEntry>()
  for (const entry of [...a.entries, ...b.entries]) {
    const known = byId.get(entry.callId)
    // mergeEntry(entry, entry) is the entry with its fields in one order, so equal histories serialize equally.
    byId.set(entry.callId, mergeEntry(known ?? entry, entry))
  }
  return { entries: [...byId.values()].sort(newestFirst).slice(0, limit), seenAt: Math.max(a.seenAt, b.seenAt) }
}

/** The history with `entry` added, or merged into the entry of the same call. */
export function addEntry(history: CallHistory, entry: HistoryEntry, limit = HISTORY_LIMIT): CallHistory {
  return mergeHistories(history, { entries: [entry], seenAt: 0 }, limit)
}

/** Sets the outcome HubSpot saved for `callId` (no change when the call is not in the history). */
export function withOutcome(history: CallHistory, callId: string, outcomeId: string): CallHistory {
  if (!history.entries.some(e => e.callId === callId))
    return history
  return { ...history, entries: history.entries.map(e => (e.callId === callId ? { ...e, outcomeId } : e)) }
}

/** The stored form (JSON), versioned. */
export function serializeHistory(history: CallHistory): string {
  return JSON.stringify({ v: HISTORY_VERSION, seenAt: history.seenAt, entries: history.entries })
}

const END_STATUSES = new Set<string>(Object.keys(STATUS_RANK))
const isNumberOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v))
const isOptionalString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string'

function parseEntry(value: unknown): HistoryEntry | null {
  if (typeof value !== 'object' || value === null)
    return null
  const e = value as Record<string, unknown>
  if (typeof e.callId !== 'string' || e.callId === '' || (e.direction !== 'INBOUND' && e.direction !== 'OUTBOUND'))
    return null
  if (typeof e.number !== 'string' || typeof e.display !== 'string' || typeof e.startedAt !== 'number' || !Number.isFinite(e.startedAt))
    return null
  if (!isNumberOrNull(e.answeredAt ?? null) || !isNumberOrNull(e.endedAt ?? null))
    return null
  if (e.endStatus != null && (typeof e.endStatus !== 'string' || !END_STATUSES.has(e.endStatus)))
    return null
  if (!isOptionalString(e.name) || !isOptionalString(e.outcomeId) || !isOptionalString(e.extensionSequence))
    return null
  const callee = e.callee as { objectId?: unknown, objectType?: unknown } | null | undefined
  const validCallee = callee && typeof callee.objectId === 'number' && typeof callee.objectType === 'string'
    ? { objectId: callee.objectId, objectType: callee.objectType }
    : null
  return {
    callId: e.callId,
    direction: e.direction,
    number: e.number,
    display: e.display,
    extensionSequence: (e.extensionSequence as string | null | undefined) ?? null,
    name: (e.name as string | null | undefined) ?? null,
    callee: validCallee,
    startedAt: e.startedAt,
    answeredAt: (e.answeredAt as number | null | undefined) ?? null,
    endedAt: (e.endedAt as number | null | undefined) ?? null,
    endStatus: (e.endStatus as EndStatus | null | undefined) ?? null,
    outcomeId: (e.outcomeId as string | null | undefined) ?? null,
  }
}

/**
 * The stored history, or an empty one when there is none, it is corrupt, or of another version.
 * Entries that do not parse are dropped one by one; the rest is merged (duplicates), sorted and trimmed.
 */
export function parseHistory(raw: string | null, limit = HISTORY_LIMIT): CallHistory {
  if (!raw)
    return emptyHistory()
  try {
    const value = JSON.parse(raw) as { v?: unknown, seenAt?: unknown, entries?: unknown }
    if (typeof value !== 'object' || value === null || value.v !== HISTORY_VERSION || !Array.isArray(value.entries))
      return emptyHistory()
    const entries = value.entries.map(parseEntry).filter((e): e is HistoryEntry => e !== null)
    const seenAt = typeof value.seenAt === 'number' && Number.isFinite(value.seenAt) ? value.seenAt : 0
    return mergeHistories(emptyHistory(), { entries, seenAt }, limit)
  }
  catch {
    return emptyHistory()
  }
}

/** What Redial dials: the number, with the extension keyed in after the answer as it was (`+4420…,45`). */
export function redialString(entry: HistoryEntry): string {
  return entry.number + (entry.extensionSequence ?? '')
}

/** Whether the entry has a number that can be called back (an anonymous caller has none). */
export const canRedial = (entry: HistoryEntry): boolean => /^\+?\d+$/.test(entry.number)
