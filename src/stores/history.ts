/**
 * The signed-in agent's call history: every call the call store ends is recorded here (one entry per
 * SIP Call-ID, see `src/domain/callHistory.ts`), the outcome HubSpot saved is added later, and the
 * missed calls the agent has not seen are counted for the dialer.
 *
 * Kept per agent (`softphone:history:<extension>@<sipDomain>`, like the wrap-up drafts) through the
 * app's storage, by #8/#10's rules:
 * - `localStorage`: kept across reloads and shared by every HubSpot frame of this browser profile
 *   (each HubSpot tab's calling remote, the calling window). Every write merges what is stored with
 *   what this frame knows, and another frame's write is merged in (`onChange`) and, when this frame
 *   knows more, written back, so all frames converge on one history without duplicates.
 * - partitioned cookies (the fallback where the iframe is denied storage): about 6 KB shared with the
 *   wrap-up drafts, which must never lose their room to the history, so the history stays in this
 *   page's memory only and the history screen says it will not survive a reload.
 * - memory: the same, and the screen says so.
 * Another agent signing in on the same browser reads their own key, never this one.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { CallHistory, HistoryEntry } from '@/domain/callHistory'
import { addEntry, emptyHistory, markSeen, mergeHistories, parseHistory, redialString, serializeHistory, unseenMissed, withOutcome } from '@/domain/callHistory'
import { callerIdMatchName } from '@/hubspot/parse'
import { usePorts } from '@/ports'
import { MemoryStorage } from '@/storage/browserStorage'
import type { KeyValueStorage } from '@/storage/types'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'

export const historyKey = (agentId: string): string => `softphone:history:${agentId}`

/**
 * Whether the history survives a reload: `kept`; `page-only` because the browser's only storage here
 * is the small cookie budget the wrap-up drafts need; `not-kept` because the browser keeps nothing;
 * `full` because the browser refused the last write (quota).
 */
export type HistoryKept = 'kept' | 'page-only' | 'not-kept' | 'full'

export const useHistoryStore = defineStore('history', () => {
  const { storage, now } = usePorts()
  const agent = useAgentStore()
  const callStore = useCallStore()

  const shared = storage.persistence === 'local'
  /** Where the history is written: the browser's localStorage, or this page's memory (see above). */
  const backend: KeyValueStorage = shared ? storage : new MemoryStorage()
  const initialKept: HistoryKept = shared ? 'kept' : storage.persistence === 'cookie' ? 'page-only' : 'not-kept'
  const kept = ref<HistoryKept>(initialKept)

  /** Whose history is shown: the signed-in agent's, nobody's before sign-in. */
  const owner = computed(() => (agent.signedIn ? agent.agentId : null))
  /**
   * Replaced whole on every change (the domain's functions return a new history), never changed in
   * place: a shallow ref, so its up to 50 entries stay plain objects, not a reactive proxy and a
   * dependency list for every field read.
   */
  const history = shallowRef<CallHistory>(emptyHistory())
  const entries = computed(() => history.value.entries)
  const missedCount = computed(() => unseenMissed(history.value))
  /** The history screen is open (over the dialer). */
  const open = ref(false)

  const read = (agentId: string): CallHistory => parseHistory(backend.getItem(historyKey(agentId)))

  /** Reads what is stored, merges what this frame knows, applies `change` and stores the result. */
  function update(agentId: string, change: (history: CallHistory) => CallHistory): void {
    const raw = backend.getItem(historyKey(agentId))
    const known = agentId === owner.value ? history.value : emptyHistory()
    const next = change(mergeHistories(parseHistory(raw), known))
    const serialized = serializeHistory(next)
    if (serialized !== raw) {
      backend.setItem(historyKey(agentId), serialized)
      if (shared)
        kept.value = storage.isDurable(historyKey(agentId)) ? 'kept' : 'full'
    }
    if (agentId === owner.value)
      history.value = next
  }

  watch(owner, (agentId) => {
    open.value = false
    history.value = agentId ? read(agentId) : emptyHistory()
  }, { immediate: true })

  // Another frame of this browser (another HubSpot tab, the calling window) wrote the history.
  storage.onChange?.((key, _old, newValue) => {
    const agentId = owner.value
    if (!shared || agentId === null || key !== historyKey(agentId))
      return
    const theirs = parseHistory(newValue)
    const merged = mergeHistories(history.value, theirs)
    history.value = merged
    if (open.value)
      history.value = markSeen(merged, now())
    // This frame knows something the stored history lacks (both wrote at once): store the union.
    if (serializeHistory(history.value) !== serializeHistory(theirs))
      update(agentId, h => h)
  })

  // --- recording ---------------------------------------------------------------
  /** The ended call as a history entry, or null while no call has ended. */
  const endedCall = computed<HistoryEntry | null>(() => {
    const record = callStore.call
    if (!record || !record.callId || record.endStatus === null)
      return null
    const inbound = record.direction === 'INBOUND'
    const caller = inbound ? callStore.caller : null
    const name = caller ? (caller.chosen ? callerIdMatchName(caller.chosen) : caller.displayName) : ''
    return {
      callId: record.callId,
      direction: record.direction,
      number: inbound ? record.fromNumber : record.toNumber,
      display: record.display,
      extensionSequence: record.extension?.sequence ?? null,
      name: name || null,
      callee: record.callee ?? null,
      startedAt: record.startedAt,
      answeredAt: record.answeredAt,
      endedAt: record.endedAt,
      endStatus: record.endStatus,
      outcomeId: null,
    }
  })
  // Synchronously: a call answered elsewhere ends and leaves the screen in one step.
  watch(() => (endedCall.value ? JSON.stringify(endedCall.value) : null), (json) => {
    if (json === null)
      return
    const entry = JSON.parse(json) as HistoryEntry
    update(agent.agentId, h => addEntry(h, entry))
  }, { flush: 'sync' })

  callStore.onCallSaved(({ agentId, callId, outcomeId }) => {
    if (outcomeId)
      update(agentId, h => withOutcome(h, callId, outcomeId))
  })

  // --- the agent's view ----------------------------------------------------------
  function show(): void {
    open.value = true
    if (owner.value)
      update(owner.value, h => markSeen(h, now()))
  }
  function hide(): void {
    open.value = false
  }
  // A call (placed, redialed or ringing in) takes the screen; the dialer comes back after it.
  watch(() => callStore.phase, (phase) => {
    if (phase !== 'idle')
      open.value = false
  })

  /** Calls the entry's number again through the call store's `dial` (so every check of a dial applies). */
  async function redial(entry: HistoryEntry): Promise<boolean> {
    return callStore.dial(redialString(entry), { fromHubSpot: false, callee: entry.callee ?? undefined })
  }

  return { entries, missedCount, kept, open, show, hide, redial }
})
