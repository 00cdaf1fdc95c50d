/**
 * The wrap-up draft as the browser keeps it, per agent: the call record and outcome under
 * `softphone:wrap-up:<extension>@<sipDomain>`, the notes apart under `softphone:wrap-up-notes:…`, so
 * notes too long for the browser's storage never cost the call record (its engagement id above all).
 */
import type { AppStorage, KeyValueStorage } from '@/storage/types'
import type { CallRecord } from './types'

export const draftKey = (agentId: string): string => `softphone:wrap-up:${agentId}`
export const notesKey = (agentId: string): string => `softphone:wrap-up-notes:${agentId}`

export interface Draft { call: CallRecord, outcomeId: string, notes: string }
export type StoredDraft = Omit<Draft, 'notes'>

/** The wrap-up `agentId` left open on an earlier page (a reload mid-wrap-up), if any. */
export function readDraft(storage: KeyValueStorage, agentId: string): Draft | null {
  const stored = parseStoredDraft(storage.getItem(draftKey(agentId)))
  return stored && { ...stored, notes: storage.getItem(notesKey(agentId)) ?? '' }
}

export function parseStoredDraft(raw: string | null): StoredDraft | null {
  if (!raw)
    return null
  try {
    const value = JSON.parse(raw) as Partial<StoredDraft>
    if (value && typeof value === 'object' && value.call && typeof value.call.toNumber === 'string' && typeof value.outcomeId === 'string')
      return { call: value.call, outcomeId: value.outcomeId }
  }
  catch {
    // A corrupt entry is treated as none.
  }
  return null
}

/** Whether the draft will survive a reload: kept, too long for what this browser keeps, or nothing is kept at all. */
export type DraftKept = 'kept' | 'too-long' | 'not-kept'

/** Stores the call record first: notes too long for the browser must never cost the engagement id. */
export function writeDraft(storage: AppStorage, agentId: string, draft: StoredDraft, notes: string | null): DraftKept {
  const record = JSON.stringify(draft)
  storage.setItem(draftKey(agentId), record)
  if (!storage.isDurable(draftKey(agentId))) {
    storage.removeItem(notesKey(agentId))
    storage.setItem(draftKey(agentId), record)
  }
  // null: the notes are not this page's to write (yet): another of the agent's frames may be typing them.
  if (notes !== null)
    storage.setItem(notesKey(agentId), notes)
  if (storage.persistence === 'memory')
    return 'not-kept'
  return storage.isDurable(draftKey(agentId)) && storage.isDurable(notesKey(agentId)) ? 'kept' : 'too-long'
}

/** Forgets the draft (saved, closed, or saved while parked). */
export function removeDraft(storage: KeyValueStorage, agentId: string): void {
  storage.removeItem(draftKey(agentId))
  storage.removeItem(notesKey(agentId))
}

