/**
 * The wrap-up after every call and the HubSpot record it is saved to.
 *
 * - The engagement: HubSpot creates it after `outgoingCall` / `incomingCall` (`onCreateEngagementSucceeded`
 *   with its id) or says it could not (`onCreateEngagementFailed`). A save pressed before HubSpot answered
 *   waits for the id (at most `ENGAGEMENT_WAIT_MS`, "Waiting for HubSpot…") and then sends `callCompleted`
 *   once, always with that id. With no engagement (creation failed, or never answered) HubSpot has no
 *   record to save to: the wrap-up says so and lets the agent copy the notes and close it.
 * - Saving: `callCompleted` until HubSpot confirms (`onUpdateEngagementSucceeded`); a failed save is sent
 *   again on its own, and the agent can always close the wrap-up instead (asked once), so HubSpot can never
 *   lock the agent out of calling.
 * - The draft: every keystroke is kept per agent (`softphone:wrap-up:<extension>@<sipDomain>` for the call
 *   and outcome, `softphone:wrap-up-notes:…` for the notes, so notes too long for the browser never cost
 *   the call record) until HubSpot confirms or the agent closes it, so a reload comes back to it; it is
 *   shown only to the agent it belongs to (another agent signing in parks it until its owner is back).
 *   Other HubSpot tabs of the same browser see the same draft: notes typed in one appear in the others,
 *   and a wrap-up saved or closed in one closes in the others.
 */
import { computed, ref, watch } from 'vue'
import { buildEngagementProperties } from '@/domain/engagement'
import { createEngagementQueue } from '@/domain/engagementQueue'
import type { CallCompletedPayload } from '@/hubspot/types'
import { t } from '@/i18n'
import { formatSeconds } from '@/i18n/format'
import type { CallContext } from './context'
import type { DraftKept } from './draft'
import { draftKey, notesKey, parseStoredDraft, readDraft, removeDraft, writeDraft } from './draft'
import type { CallRecord, SavedCall, WrapUp } from './types'

/**
 * How long to wait for HubSpot's answer to callCompleted. The SDK drops what is sent before
 * HubSpot's SYNC, and HubSpot may simply not answer: the save then counts as failed and is
 * retried, rather than leaving the agent on "Saving…" for ever.
 */
export const SAVE_ANSWER_TIMEOUT_MS = 15_000
/** How long a save waits for HubSpot to create the call's engagement before the wrap-up says HubSpot has no record of it. */
export const ENGAGEMENT_WAIT_MS = 10_000
/** The engagement failure recorded when HubSpot never answered `outgoingCall` / `incomingCall`. */

export const emptyWrapUp = (): WrapUp => ({ outcomeId: '', notes: '', saving: false, waitingForEngagement: false, error: null, confirmingClose: false })

export function useWrapUp(ctx: CallContext, initialOwner: string | null) {
  const { hubspot, storage, now } = ctx.ports
  const { call, wrapUp, inWrapUp, phase, agent } = ctx
  /** The agent whose wrap-up is open (the draft's key). */
  let owner = initialOwner
  const draftKept = ref<DraftKept>('kept')

  /** HubSpot has no engagement for this call, so nothing can be saved to it. */
  const noRecord = computed(() => {
    const current = call.value
    return inWrapUp.value && current !== null && current.engagementId === null && Boolean(current.engagementFailure)
  })

  // --- the engagement --------------------------------------------------------
  // HubSpot's answers go to the call they are for (named, or the oldest announced), never to whatever is on screen.
  const engagements = createEngagementQueue()
  watch(() => call.value?.callId, (callId) => {
    if (callId && call.value?.engagementId === null)
      engagements.announced(callId)
  }, { flush: 'sync' })
  /** Updates the record of `callId` wherever it is: on screen, completed without a wrap-up, or parked. */
  function updateRecord(callId: string, update: (record: CallRecord) => void): void {
    if (unattended?.record.callId === callId) {
      update(unattended.record)
      return
    }
    if (call.value?.callId === callId) {
      update(call.value)
      return
    }
    const parkedRecord = parkedCall()
    if (parkedRecord?.callId === callId) {
      update(parkedRecord)
      storeParked(parkedRecord)
    }
  }
  /** Applies an engagement answer to the call it is for, while that call still waits for one. */
  function answerFor(answer: { externalCallId?: string }, apply: (record: CallRecord) => void): void {
    const callId = engagements.route(answer)
    if (callId === null)
      return
    updateRecord(callId, (record) => {
      if (record.engagementId === null)
        apply(record)
    })
  }
  hubspot.on('engagementCreated', answer => answerFor(answer, (record) => {
    record.engagementId = answer.engagementId
    record.engagementFailure = null
    if (unattended?.record === record)
      sendUnattended(answer.engagementId)
  }))
  hubspot.on('engagementCreateFailed', answer => answerFor(answer, (record) => {
    record.engagementFailure = answer.message
    if (unattended?.record === record) {
      // No engagement, nothing to complete.
      clearTimeout(unattended.timer)
      unattended = null
    }
    else if (call.value === record && !inWrapUp.value) {
      ctx.notify('info', t('wrapUp.createFailed', { why: answer.message }))
    }
  }))
  // A reloaded widget hears the engagement of the call HubSpot still has open in its SYNC (onReady).
  hubspot.on('ready', ({ engagementId }) => {
    const current = call.value
    if (engagementId !== undefined && current && inWrapUp.value && current.engagementId === null) {
      current.engagementId = engagementId
      current.engagementFailure = null
    }
  })

  let engagementTimer: ReturnType<typeof setTimeout> | undefined
  const clearEngagementTimer = (): void => {
    clearTimeout(engagementTimer)
    engagementTimer = undefined
  }
  // The save waiting for the engagement goes out once the id is there, or stops when there will be none.
  watch(() => [call.value?.engagementId, call.value?.engagementFailure] as const, ([id, failure]) => {
    if (!wrapUp.value.waitingForEngagement)
      return
    if (id != null) {
      clearEngagementTimer()
      wrapUp.value.waitingForEngagement = false
      wrapUp.value.saving = false
      saveCall(true)
    }
    else if (failure) {
      clearEngagementTimer()
      wrapUp.value.waitingForEngagement = false
      wrapUp.value.saving = false
    }
  }, { flush: 'sync' })

  // --- a call completed without a wrap-up -----------------------------------
  /** A call that needs no wrap-up (answered elsewhere), waiting for its engagement to be completed. */
  let unattended: { record: CallRecord, build: (engagementId: number) => CallCompletedPayload, timer: ReturnType<typeof setTimeout> } | null = null
  function sendUnattended(engagementId: number): void {
    if (!unattended)
      return
    clearTimeout(unattended.timer)
    const { build } = unattended
    unattended = null
    hubspot.callCompleted(build(engagementId))
  }
  /**
   * Completes a call that needs no wrap-up: `callCompleted` goes out with HubSpot's engagement id, at
   * once when it is known, else when it arrives (at most `ENGAGEMENT_WAIT_MS`; without one there is
   * nothing to complete).
   */
  function completeWithoutWrapUp(record: CallRecord, build: (engagementId: number) => CallCompletedPayload): void {
    if (unattended)
      clearTimeout(unattended.timer)
    unattended = null
    if (record.engagementId !== null) {
      hubspot.callCompleted(build(record.engagementId))
      return
    }
    unattended = { record, build, timer: setTimeout(() => { unattended = null }, ENGAGEMENT_WAIT_MS) }
  }

  // --- saving ----------------------------------------------------------------
  let answerTimer: ReturnType<typeof setTimeout> | undefined
  const clearAnswerTimer = (): void => {
    clearTimeout(answerTimer)
    answerTimer = undefined
  }

  /** Save call / Retry (`auto`: the automatic retry or the save that waited for the engagement, which leave a close prompt open). */
  function saveCall(auto = false): void {
    const current = call.value
    if (!inWrapUp.value || !current || wrapUp.value.saving || noRecord.value)
      return
    wrapUp.value.error = null
    if (!auto)
      wrapUp.value.confirmingClose = false
    wrapUp.value.saving = true
    if (current.engagementId === null) {
      // Saved before HubSpot answered the engagement's creation: callCompleted must carry its id.
      wrapUp.value.waitingForEngagement = true
      clearEngagementTimer()
      engagementTimer = setTimeout(() => {
        engagementTimer = undefined
        if (call.value && call.value.engagementId === null)
          call.value.engagementFailure = t('wrapUp.neverCreated')
      }, ENGAGEMENT_WAIT_MS)
      return
    }
    clearAnswerTimer()
    answerTimer = setTimeout(() => {
      answerTimer = undefined
      saveFailed(t('wrapUp.noAnswer'))
    }, SAVE_ANSWER_TIMEOUT_MS)
    hubspot.callCompleted({
      externalCallId: current.callId ?? '',
      engagementId: current.engagementId,
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

  /** The wrap-up is over (saved, or closed by the agent): ready for the next call, nothing left to come back. */
  function finishWrapUp(): void {
    clearAnswerTimer()
    clearEngagementTimer()
    clearSaveRetry()
    ctx.go({ type: 'completed' })
    call.value = null
    wrapUp.value = emptyWrapUp()
    if (owner !== null)
      removeDraft(storage, owner)
    owner = null
    draftKept.value = 'kept'
  }

  // Who wants to know that HubSpot saved a call (the call history records its outcome).
  const savedListeners = new Set<(saved: SavedCall) => void>()
  /** Calls `listener` each time HubSpot confirms a call's save; returns the unsubscribe. */
  function onCallSaved(listener: (saved: SavedCall) => void): () => void {
    savedListeners.add(listener)
    return () => savedListeners.delete(listener)
  }
  const announceSaved = (saved: SavedCall): void => savedListeners.forEach(listener => listener(saved))

  hubspot.on('engagementUpdated', () => {
    if (inWrapUp.value && wrapUp.value.saving && !wrapUp.value.waitingForEngagement) {
      const callId = call.value?.callId
      if (callId)
        announceSaved({ agentId: owner ?? agent.agentId, callId, outcomeId: wrapUp.value.outcomeId })
      finishWrapUp()
    }
    else if (!inWrapUp.value && parked?.saving) {
      // Saved while its agent signed out: nothing is left to bring back.
      const draft = readDraft(storage, parked.owner)
      if (draft?.call.callId)
        announceSaved({ agentId: parked.owner, callId: draft.call.callId, outcomeId: draft.outcomeId })
      removeDraft(storage, parked.owner)
      parked = null
    }
  })

  // A failed callCompleted is sent again on its own (2, 4, 8, 16, then every 30 s) for as
  // long as the wrap-up is open; Retry (or a new save) sends at once.
  let saveRetry: ReturnType<typeof setTimeout> | undefined
  let saveFailures = 0
  function clearSaveRetry(): void {
    clearTimeout(saveRetry)
    saveRetry = undefined
  }
  /** The save we sent failed (or went unanswered): keep the notes, say so, and send again later. */
  function saveFailed(message: string): void {
    // Only a save in flight can fail: a stray failure must not send half-typed notes on its own.
    if (!inWrapUp.value || !wrapUp.value.saving || wrapUp.value.waitingForEngagement)
      return
    clearAnswerTimer()
    wrapUp.value.saving = false
    clearSaveRetry()
    saveFailures++
    const seconds = Math.min(30, 2 ** saveFailures)
    wrapUp.value.error = t('wrapUp.saveFailed', { why: message, delay: formatSeconds(seconds) })
    saveRetry = setTimeout(() => {
      saveRetry = undefined
      saveCall(true)
    }, seconds * 1000)
  }
  hubspot.on('engagementUpdateFailed', ({ message }) => saveFailed(message))
  watch(inWrapUp, (open) => {
    if (!open) {
      clearAnswerTimer()
      clearEngagementTimer()
      clearSaveRetry()
      saveFailures = 0
    }
  })
  watch(() => wrapUp.value.saving, (saving) => {
    if (saving)
      clearSaveRetry()
  })

  // --- closing without saving ----------------------------------------------
  /**
   * The agent closes a wrap-up HubSpot cannot save (no record, or the save failed): at once when there
   * are no notes, else after one confirmation (`confirmClose`). Nothing more is sent to HubSpot.
   */
  function requestClose(): void {
    if (!inWrapUp.value)
      return
    if (wrapUp.value.notes.trim() === '')
      finishWrapUp()
    else
      wrapUp.value.confirmingClose = true
  }
  function confirmClose(): void {
    if (inWrapUp.value && wrapUp.value.confirmingClose)
      finishWrapUp()
  }
  function cancelClose(): void {
    wrapUp.value.confirmingClose = false
  }

  // --- the draft -------------------------------------------------------------
  // Every keystroke of the wrap-up is kept until HubSpot confirms the save or the agent closes it.
  /** The call whose draft this page has written (or adopted) already. */
  // A wrap-up brought back at load is this page's draft already: the agent's first keystroke must not
  // be taken for another frame's empty form (it would be replaced by the stored notes).
  let draftOf: string | null = ctx.phase.value === 'ended' ? ctx.call.value?.callId ?? null : null
  watch([phase, call, () => wrapUp.value.outcomeId, () => wrapUp.value.notes], () => {
    if (phase.value !== 'ended' || !call.value)
      return
    owner ??= agent.agentId
    // Another of the agent's frames wrapped this call up first (they all follow one call,
    // src/frames/): take its outcome and notes rather than overwrite them with an empty form.
    const callId = call.value.callId
    let notes: string | null = wrapUp.value.notes
    if (callId !== null && draftOf !== callId) {
      draftOf = callId
      const theirs = readDraft(storage, owner)
      if (theirs?.call.callId === callId) {
        if (theirs.notes !== wrapUp.value.notes || theirs.outcomeId !== wrapUp.value.outcomeId) {
          wrapUp.value.notes = theirs.notes
          wrapUp.value.outcomeId = theirs.outcomeId
        }
        return
      }
      // No draft yet: the empty notes of a new wrap-up must not overwrite what a frame may be typing.
      if (theirs === null && notes === '')
        notes = null
    }
    draftKept.value = writeDraft(storage, owner, { call: call.value, outcomeId: wrapUp.value.outcomeId }, notes)
  }, { deep: true, flush: 'sync' })

  // Another HubSpot tab of this browser changed the same draft: follow it.
  storage.onChange?.((key, oldValue, newValue) => {
    if (!inWrapUp.value || owner === null || !call.value)
      return
    if (key === notesKey(owner) && newValue !== null && newValue !== wrapUp.value.notes) {
      wrapUp.value.notes = newValue
    }
    else if (key === draftKey(owner)) {
      const theirs = parseStoredDraft(newValue ?? oldValue)
      if (theirs?.call.callId !== call.value.callId)
        return
      if (newValue === null) {
        // Saved (HubSpot confirmed) or closed in the other tab: nothing left to do here, nothing to send.
        owner = null
        finishWrapUp()
        return
      }
      if (theirs.outcomeId !== wrapUp.value.outcomeId)
        wrapUp.value.outcomeId = theirs.outcomeId
      if (call.value.engagementId === null && theirs.call.engagementId !== null) {
        call.value.engagementId = theirs.call.engagementId
        call.value.engagementFailure = null
      }
    }
  })

  /**
   * The wrap-up parked at a sign-out: HubSpot's answers that arrive for it afterwards (the engagement's
   * creation, the confirmation of a save in flight) still update what its owner will get back.
   */
  let parked: { owner: string, saving: boolean } | null = null
  function parkedCall(): CallRecord | null {
    return parked ? readDraft(storage, parked.owner)?.call ?? null : null
  }
  function storeParked(record: CallRecord): void {
    const draft = parked && parseStoredDraft(storage.getItem(draftKey(parked.owner)))
    if (parked && draft)
      storage.setItem(draftKey(parked.owner), JSON.stringify({ ...draft, call: record }))
  }
  /** Another agent's wrap-up leaves the screen but stays stored for its owner's next sign-in. */
  function park(): void {
    clearAnswerTimer()
    clearEngagementTimer()
    clearSaveRetry()
    parked = owner === null ? null : { owner, saving: wrapUp.value.saving && !wrapUp.value.waitingForEngagement }
    ctx.go({ type: 'completed' })
    call.value = null
    wrapUp.value = emptyWrapUp()
    owner = null
  }
  function resume(agentId: string): void {
    const draft = readDraft(storage, agentId)
    if (!draft || phase.value !== 'idle')
      return
    parked = null
    owner = agentId
    call.value = draft.call
    wrapUp.value = { ...emptyWrapUp(), outcomeId: draft.outcomeId, notes: draft.notes }
    phase.value = 'ended'
  }
  watch(() => agent.signedIn, (signedIn, was) => {
    if (signedIn) {
      if (inWrapUp.value && owner !== agent.agentId)
        park()
      resume(agent.agentId)
    }
    else if (was && agent.registration === 'unregistered' && inWrapUp.value) {
      // Signed out by the agent: whoever signs in next must not see these notes.
      park()
    }
  })

  return { saveCall, requestClose, confirmClose, cancelClose, completeWithoutWrapUp, noRecord, draftKept, onCallSaved }
}
