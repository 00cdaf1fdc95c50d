/**
 * The wrap-up after every call: saving it to HubSpot (callCompleted), sending
 * it again on its own until HubSpot confirms, and keeping every keystroke in
 * storage so a reload never loses the notes.
 */
import { watch } from 'vue'
import { buildEngagementProperties } from '@/domain/engagement'
import type { KeyValueStorage } from '@/config/storage'
import type { CallContext } from './context'
import type { CallRecord, WrapUp } from './types'

const DRAFT_KEY = 'softphone:wrap-up'

interface Draft { call: CallRecord, outcomeId: string, notes: string }

/**
 * How long to wait for HubSpot's answer to callCompleted. The SDK drops what is sent before
 * HubSpot's SYNC, and HubSpot may simply not answer: the save then counts as failed and is
 * retried, rather than leaving the agent on "Saving…" for ever.
 */
export const SAVE_ANSWER_TIMEOUT_MS = 15_000

export const emptyWrapUp = (): WrapUp => ({ outcomeId: '', notes: '', saving: false, error: null })

/** The wrap-up left open by the last page (a reload mid-wrap-up), if any. */
export function readDraft(storage: KeyValueStorage): Draft | null {
  const raw = storage.getItem(DRAFT_KEY)
  if (!raw)
    return null
  try {
    const value = JSON.parse(raw) as Partial<Draft>
    if (value && typeof value === 'object' && value.call && typeof value.call.toNumber === 'string'
      && typeof value.notes === 'string' && typeof value.outcomeId === 'string')
      return value as Draft
  }
  catch {
    // A corrupt entry is treated as none.
  }
  return null
}

export function useWrapUp(ctx: CallContext) {
  const { hubspot, storage, now } = ctx.ports
  const { call, wrapUp, inWrapUp, phase } = ctx

  let answerTimer: ReturnType<typeof setTimeout> | undefined
  const clearAnswerTimer = (): void => {
    clearTimeout(answerTimer)
    answerTimer = undefined
  }

  function saveCall(): void {
    const current = call.value
    if (!inWrapUp.value || !current || wrapUp.value.saving)
      return
    wrapUp.value.saving = true
    wrapUp.value.error = null
    clearAnswerTimer()
    answerTimer = setTimeout(() => {
      answerTimer = undefined
      saveFailed('HubSpot did not answer.')
    }, SAVE_ANSWER_TIMEOUT_MS)
    hubspot.callCompleted({
      externalCallId: current.callId ?? '',
      engagementId: current.engagementId ?? undefined,
      hideWidget: false,
      engagementProperties: buildEngagementProperties({
        callStartTime: current.startedAt,
        answeredAt: current.answeredAt ?? undefined,
        endedAt: current.endedAt ?? now(),
        status: current.endStatus ?? 'FAILED',
        outcomeId: wrapUp.value.outcomeId || undefined,
        notes: wrapUp.value.notes,
        toNumber: current.toNumber,
        fromNumber: current.fromNumber,
        direction: current.direction,
        callee: current.callee,
      }),
    })
  }

  hubspot.on('engagementUpdated', () => {
    if (!inWrapUp.value || !wrapUp.value.saving)
      return
    clearAnswerTimer()
    ctx.go({ type: 'completed' })
    call.value = null
    wrapUp.value = emptyWrapUp()
    storage.removeItem(DRAFT_KEY)
  })

  // A failed callCompleted is sent again on its own (2, 4, 8, 16, then every 30 s) for as
  // long as the wrap-up is open; Retry (or a new save) sends at once.
  let saveRetry: ReturnType<typeof setTimeout> | undefined
  let saveFailures = 0
  const clearSaveRetry = (): void => {
    clearTimeout(saveRetry)
    saveRetry = undefined
  }
  /** The save we sent failed (or went unanswered): keep the notes, say so, and send again later. */
  function saveFailed(message: string): void {
    // Only a save in flight can fail: a stray failure must not send half-typed notes on its own.
    if (!inWrapUp.value || !wrapUp.value.saving)
      return
    clearAnswerTimer()
    wrapUp.value.saving = false
    clearSaveRetry()
    saveFailures++
    const seconds = Math.min(30, 2 ** saveFailures)
    wrapUp.value.error = `HubSpot could not save the call: ${message} Trying again in ${seconds} s; your notes are kept.`
    saveRetry = setTimeout(() => {
      saveRetry = undefined
      saveCall()
    }, seconds * 1000)
  }
  hubspot.on('engagementUpdateFailed', ({ message }) => saveFailed(message))
  watch(inWrapUp, (open) => {
    if (!open) {
      clearAnswerTimer()
      clearSaveRetry()
      saveFailures = 0
    }
  })
  watch(() => wrapUp.value.saving, (saving) => {
    if (saving)
      clearSaveRetry()
  })

  // Every keystroke of the wrap-up is kept until HubSpot confirms the save.
  watch([phase, call, () => wrapUp.value.outcomeId, () => wrapUp.value.notes], () => {
    if (phase.value === 'ended' && call.value) {
      const value: Draft = { call: call.value, outcomeId: wrapUp.value.outcomeId, notes: wrapUp.value.notes }
      storage.setItem(DRAFT_KEY, JSON.stringify(value))
    }
  }, { deep: true, flush: 'sync' })

  return { saveCall }
}
