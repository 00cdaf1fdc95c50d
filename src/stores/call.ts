/**
 * The one store that owns the call: from HubSpot's dial request (or the dialpad)
 * through SIP to the wrap-up HubSpot saves. Adapters come from `usePorts()`;
 * the store keeps only plain data, never a sip.js or SDK object.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { CallPhase } from '@/domain/callMachine'
import { isCallActive, transition } from '@/domain/callMachine'
import { buildEngagementProperties } from '@/domain/engagement'
import { describeEndCause, mapEndCause } from '@/domain/endStatus'
import { defaultOutcomeFor } from '@/domain/outcomes'
import { formatPhoneForDisplay, normalizeDialString } from '@/domain/phoneNumber'
import type { CallEndCause, EndStatus } from '@/domain/types'
import { isDtmfKey } from '@/domain/dtmf'
import type { QualitySample, QualitySummary, StatsSnapshot, WarningState } from '@/domain/quality'
import { NO_WARNING, nextWarningState, sampleBetween, summarize } from '@/domain/quality'
import type { CallerIdMatch, DialRequest } from '@/hubspot/types'
import { usePorts } from '@/ports'
import { CallError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'

const DRAFT_KEY = 'softphone:wrap-up'

export interface CallRecord {
  callId: string | null
  direction: 'OUTBOUND' | 'INBOUND'
  /** What was dialed: E.164 (`+4420…`) or an extension; only `+` and digits. */
  toNumber: string
  /** The same number formatted for people. */
  display: string
  fromNumber: string
  startedAt: number
  answeredAt: number | null
  endedAt: number | null
  engagementId: number | null
  endStatus: EndStatus | null
  endReason: string | null
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

/** How often the call's statistics are sampled for the quality indicator. */
export const QUALITY_SAMPLE_MS = 2000

export interface WrapUp {
  outcomeId: string
  notes: string
  saving: boolean
  error: string | null
}

export interface Notice {
  id: number
  kind: 'error' | 'info'
  text: string
}

interface Draft { call: CallRecord, outcomeId: string, notes: string }

/** Who is calling in (inbound calls only): the SIP display name and HubSpot's caller-id match. */
export interface InboundCaller {
  /** The SIP display name, already cleaned by the adapter; '' when none. */
  displayName: string
  /** 'pending' until HubSpot answers the caller-id lookup. */
  lookup: 'pending' | 'matched' | 'unmatched'
  /** HubSpot's matches, best first (empty unless matched). */
  matches: CallerIdMatch[]
}

function readDraft(raw: string | null): Draft | null {
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

export const useCallStore = defineStore('call', () => {
  const { sip, hubspot, storage, config, now } = usePorts()
  const agent = useAgentStore()

  const draft = readDraft(storage.getItem(DRAFT_KEY))
  const phase = ref<CallPhase>(draft ? 'ended' : 'idle')
  const call = ref<CallRecord | null>(draft?.call ?? null)
  const wrapUp = ref<WrapUp>({ outcomeId: draft?.outcomeId ?? '', notes: draft?.notes ?? '', saving: false, error: null })
  const muted = ref(false)
  const notices = ref<Notice[]>([])
  /** A callEnded that arrived before `sip.call()` resolved with the Call-ID. */
  let earlyEnd: CallEndCause | null = null
  let noticeId = 0

  const active = computed(() => isCallActive(phase.value))
  const inWrapUp = computed(() => phase.value === 'ended')

  function notify(kind: Notice['kind'], text: string): void {
    notices.value = [...notices.value.slice(-2), { id: ++noticeId, kind, text }]
  }
  function dismissNotice(id: number): void {
    notices.value = notices.value.filter(n => n.id !== id)
  }
  /** Tell the agent and, when the request came from HubSpot, HubSpot too. */
  function refuse(message: string, fromHubSpot: boolean): false {
    notify('error', message)
    if (fromHubSpot)
      hubspot.sendError({ message })
    return false
  }

  function go(event: Parameters<typeof transition>[1]): boolean {
    const next = transition(phase.value, event)
    if (next === null)
      return false
    phase.value = next
    return true
  }

  /** Dial a number typed by the agent or sent by HubSpot. Returns whether a call was started. */
  async function dial(raw: unknown, options: { fromHubSpot: boolean, region?: string }): Promise<boolean> {
    if (active.value)
      return refuse('A call is already in progress. Hang up before placing another call.', options.fromHubSpot)
    if (inWrapUp.value)
      return refuse('Save the last call before placing another one.', options.fromHubSpot)
    if (!agent.isRegistered)
      return refuse('Sign in to the phone system before placing a call.', options.fromHubSpot)
    const target = normalizeDialString(raw, { region: options.region, defaultRegion: config.defaultCountry })
    if (!target.ok)
      return refuse(target.message, options.fromHubSpot)

    earlyEnd = null
    muted.value = false
    call.value = {
      callId: null,
      direction: 'OUTBOUND',
      toNumber: target.target,
      display: target.display,
      fromNumber: agent.extension,
      startedAt: now(),
      answeredAt: null,
      endedAt: null,
      engagementId: null,
      endStatus: null,
      endReason: null,
    }
    go({ type: 'dial' })
    let callId: string
    try {
      ({ callId } = await sip.call(target.target))
    }
    catch (error) {
      phase.value = 'idle'
      call.value = null
      // Hung up (by the agent or HubSpot) before the INVITE left: nothing was dialed, nothing to report.
      if (error instanceof CallError && error.kind === 'canceled') {
        notify('info', 'Call cancelled.')
        return false
      }
      const reason = error instanceof Error ? error.message : String(error)
      return refuse(`The call could not be placed: ${reason}`, options.fromHubSpot)
    }
    const current = call.value
    if (!current)
      return false
    current.callId = callId
    hubspot.outgoingCall({
      externalCallId: callId,
      toNumber: current.toNumber,
      fromNumber: current.fromNumber,
      callStartTime: current.startedAt,
      createEngagement: true,
    })
    if (earlyEnd)
      finish(earlyEnd)
    return true
  }

  function finish(cause: CallEndCause): void {
    const current = call.value
    if (!current || !active.value)
      return
    if (current.callId === null) {
      earlyEnd = cause
      return
    }
    const status = mapEndCause(cause)
    current.endedAt = now()
    current.endStatus = status
    current.endReason = describeEndCause(cause, config.ringTimeoutSeconds)
    muted.value = false
    go({ type: 'ended' })
    wrapUp.value = { outcomeId: defaultOutcomeFor(status, cause) ?? '', notes: '', saving: false, error: null }
    if (cause.type === 'transferred')
      hubspot.callTransferred({ externalCallId: current.callId })
    hubspot.callEnded({
      externalCallId: current.callId,
      engagementId: current.engagementId ?? undefined,
      callEndStatus: status,
    })
  }

  async function hangup(): Promise<void> {
    if (active.value)
      await sip.hangup()
  }

  function toggleMute(): void {
    if (phase.value !== 'connected')
      return
    muted.value = !muted.value
    sip.setMuted(muted.value)
  }

  function saveCall(): void {
    const current = call.value
    if (!inWrapUp.value || !current || wrapUp.value.saving)
      return
    wrapUp.value.saving = true
    wrapUp.value.error = null
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
      }),
    })
  }

  // --- SIP events ------------------------------------------------------------
  /** Events of a call that is not ours any more (a late retransmission, an old dialog) are ignored. */
  function isCurrent(callId: string): boolean {
    const current = call.value
    return current !== null && (current.callId === null || current.callId === callId)
  }
  sip.on('callProgress', ({ callId }) => {
    if (phase.value === 'calling' && isCurrent(callId))
      go({ type: 'progress' })
  })
  sip.on('callAnswered', ({ callId }) => {
    const current = call.value
    if (!current || !isCurrent(callId) || !go({ type: 'answered' }))
      return
    current.answeredAt = now()
    hubspot.callAnswered({ externalCallId: current.callId ?? callId })
  })
  sip.on('callEnded', ({ callId, cause }) => {
    if (isCurrent(callId))
      finish(cause)
  })

  // --- HubSpot events --------------------------------------------------------
  hubspot.on('dialNumber', (payload) => {
    if ('invalid' in payload) {
      refuse(payload.invalid, true)
      return
    }
    const request: DialRequest = payload.request
    void dial(request.phoneNumber, { fromHubSpot: true, region: request.countryCode })
  })
  hubspot.on('endCall', () => {
    void hangup()
  })
  hubspot.on('engagementCreated', ({ engagementId }) => {
    if (call.value)
      call.value.engagementId = engagementId
  })
  hubspot.on('engagementCreateFailed', ({ message }) => {
    notify('info', `HubSpot could not create the call record (${message}). The call goes on.`)
  })
  hubspot.on('engagementUpdated', () => {
    if (!inWrapUp.value || !wrapUp.value.saving)
      return
    go({ type: 'completed' })
    call.value = null
    wrapUp.value = { outcomeId: '', notes: '', saving: false, error: null }
    storage.removeItem(DRAFT_KEY)
  })
  hubspot.on('engagementUpdateFailed', ({ message }) => {
    if (!inWrapUp.value)
      return
    wrapUp.value.saving = false
    wrapUp.value.error = `HubSpot could not save the call: ${message}`
  })

  // --- Saving until HubSpot confirms --------------------------------------------
  // A failed callCompleted is sent again on its own (2, 4, 8, 16, then every 30 s) for as
  // long as the wrap-up is open; Retry (or a new save) sends at once.
  let saveRetry: ReturnType<typeof setTimeout> | undefined
  let saveFailures = 0
  const clearSaveRetry = (): void => {
    clearTimeout(saveRetry)
    saveRetry = undefined
  }
  hubspot.on('engagementUpdateFailed', () => {
    if (!inWrapUp.value || wrapUp.value.saving)
      return
    clearSaveRetry()
    saveFailures++
    const seconds = Math.min(30, 2 ** saveFailures)
    wrapUp.value.error = `${wrapUp.value.error ?? 'HubSpot could not save the call.'} Trying again in ${seconds} s; your notes are kept.`
    saveRetry = setTimeout(() => {
      saveRetry = undefined
      saveCall()
    }, seconds * 1000)
  })
  watch(inWrapUp, (open) => {
    if (!open) {
      clearSaveRetry()
      saveFailures = 0
    }
  })
  watch(() => wrapUp.value.saving, (saving) => {
    if (saving)
      clearSaveRetry()
  })

  // --- Inbound calls ---------------------------------------------------------
  // The SIP adapter refuses a second caller (486) while a call is up and every caller (480)
  // while the agent is on Do not disturb; what reaches us here rings unless a wrap-up is open.
  const caller = ref<InboundCaller | null>(null)

  sip.on('incomingCall', ({ callId, fromNumber, displayName }) => {
    if (phase.value !== 'idle') {
      // The last call's wrap-up is not saved yet: the caller hears busy, HubSpot hears nothing.
      void sip.decline(486)
      return
    }
    earlyEnd = null
    muted.value = false
    const startedAt = now()
    call.value = {
      callId,
      direction: 'INBOUND',
      toNumber: agent.extension,
      display: formatPhoneForDisplay(fromNumber),
      fromNumber,
      startedAt,
      answeredAt: null,
      endedAt: null,
      engagementId: null,
      endStatus: null,
      endReason: null,
    }
    caller.value = { displayName, lookup: 'pending', matches: [] }
    go({ type: 'incoming' })
    hubspot.incomingCall({ externalCallId: callId, fromNumber, toNumber: agent.extension, callStartTime: startedAt, createEngagement: true })
  })

  /** Answer the ringing inbound call. */
  async function answer(): Promise<void> {
    if (phase.value !== 'incoming')
      return
    try {
      await sip.answer()
    }
    catch (error) {
      notify('error', `The call could not be answered: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /** Decline the ringing inbound call (603); it ends REJECTED. */
  async function decline(): Promise<void> {
    if (phase.value === 'incoming')
      await sip.decline(603)
  }

  const isInboundCall = (): boolean => call.value?.direction === 'INBOUND' && (active.value || inWrapUp.value)

  hubspot.on('callerIdMatchSucceeded', ({ matches }) => {
    if (caller.value && isInboundCall())
      caller.value = { ...caller.value, lookup: 'matched', matches }
  })
  hubspot.on('callerIdMatchFailed', () => {
    if (caller.value && isInboundCall())
      caller.value = { ...caller.value, lookup: 'unmatched', matches: [] }
  })
  hubspot.on('navigateToRecordFailed', ({ message }) => {
    notify('error', `HubSpot could not open the record: ${message}`)
  })

  /** Ask HubSpot to open a matched caller's contact or company record. */
  function openRecord(match: CallerIdMatch): void {
    hubspot.navigateToRecord({
      objectCoordinates: match.objectCoordinates,
      ...(call.value?.engagementId ? { engagementId: call.value.engagementId } : {}),
    })
  }

  watch(phase, (next) => {
    if (next === 'idle')
      caller.value = null
  }, { flush: 'sync' })

  // --- In-call actions: hold, keypad, transfer, ringback, call quality ------------
  // Only while connected (answered). Everything here is reset when the call ends.
  const held = ref(false)
  /** A hold/resume re-INVITE is on its way: the button waits for the PBX. */
  const holdPending = ref(false)
  const keypadOpen = ref(false)
  /** The DTMF keys pressed in this call, shown above the keypad. */
  const dtmfSent = ref('')
  const transfer = ref<TransferState>({ stage: 'idle', target: '', display: '' })
  /** The PBX sent early media (183 with SDP): its audio is the ringback; no local tone. */
  const earlyMedia = ref(false)
  /** The latest quality sample, and whether the agent is being warned about it. */
  const quality = ref<QualitySample | null>(null)
  const qualityWarning = ref(false)
  let qualitySamples: QualitySample[] = []
  let lastSnapshot: StatsSnapshot | null = null
  let warningState: WarningState = NO_WARNING
  let qualityTimer: ReturnType<typeof setInterval> | undefined
  /** cancelTransfer() asked to go back to the caller: resume once the consultation has ended. */
  let resumeAfterConsultation = false

  const connected = (): boolean => phase.value === 'connected'
  const consulting = computed(() => ['calling', 'ringing', 'talking', 'completing'].includes(transfer.value.stage))

  function failed(what: string, error: unknown): void {
    notify('error', `${what}: ${error instanceof Error ? error.message : String(error)}`)
  }

  async function setHeld(value: boolean): Promise<void> {
    if (!connected() || holdPending.value || held.value === value)
      return
    holdPending.value = true
    try {
      await sip.hold(value)
      if (connected())
        held.value = value
    }
    catch (error) {
      if (connected())
        failed(value ? 'The call could not be put on hold' : 'The call could not be resumed', error)
    }
    finally {
      holdPending.value = false
    }
  }

  /** Hold or resume (not while a transfer call is up: the caller stays held until it is done). */
  async function toggleHold(): Promise<void> {
    if (consulting.value)
      return
    await setHeld(!held.value)
  }

  function toggleKeypad(): void {
    if (connected())
      keypadOpen.value = !keypadOpen.value
  }

  /** Send one DTMF key (0-9, *, #, A-D) on the answered call. */
  async function pressKey(key: string): Promise<void> {
    if (!connected() || !isDtmfKey(key))
      return
    dtmfSent.value = (dtmfSent.value + key).slice(-32)
    try {
      await sip.sendDtmf(key)
    }
    catch (error) {
      if (connected())
        failed(`Key ${key} was not sent`, error)
    }
  }

  function transferTarget(raw: unknown): { target: string, display: string } | null {
    const parsed = normalizeDialString(raw, { defaultRegion: config.defaultCountry })
    if (!parsed.ok) {
      notify('error', parsed.message)
      return null
    }
    return { target: parsed.target, display: parsed.display }
  }

  /** Blind transfer: the caller goes straight to `raw`; the call ends for the agent (COMPLETED + callTransferred). */
  async function blindTransfer(raw: unknown): Promise<boolean> {
    if (!connected() || transfer.value.stage !== 'idle')
      return false
    const target = transferTarget(raw)
    if (!target)
      return false
    transfer.value = { stage: 'blind', ...target }
    try {
      await sip.transfer(target.target)
      return true
    }
    catch (error) {
      if (connected()) {
        transfer.value = { stage: 'idle', target: '', display: '' }
        failed(`The call could not be transferred to ${target.display}`, error)
      }
      return false
    }
  }

  /** Attended transfer, step 1: hold the caller and call `raw` to talk first. */
  async function startAttendedTransfer(raw: unknown): Promise<boolean> {
    if (!connected() || transfer.value.stage !== 'idle')
      return false
    const target = transferTarget(raw)
    if (!target)
      return false
    transfer.value = { stage: 'calling', ...target }
    resumeAfterConsultation = false
    try {
      await sip.startConsultation(target.target)
      if (connected())
        held.value = true
      return true
    }
    catch (error) {
      if (connected()) {
        transfer.value = { stage: 'idle', target: '', display: '' }
        failed(`${target.display} could not be called`, error)
      }
      return false
    }
  }

  /** Attended transfer, step 2: join the caller to the target; the call ends for the agent. */
  async function completeTransfer(): Promise<void> {
    if (!connected() || transfer.value.stage !== 'talking')
      return
    transfer.value = { ...transfer.value, stage: 'completing' }
    try {
      await sip.completeTransfer()
    }
    catch (error) {
      if (connected()) {
        if (transfer.value.stage === 'completing')
          transfer.value = { ...transfer.value, stage: 'talking' }
        failed('The transfer could not be completed', error)
      }
    }
  }

  /** Attended transfer, go back: hang up on the target and resume the caller. */
  async function cancelTransfer(): Promise<void> {
    if (!consulting.value)
      return
    resumeAfterConsultation = true
    try {
      await sip.cancelConsultation()
    }
    catch (error) {
      failed('The transfer call could not be ended', error)
    }
  }

  sip.on('consultation', ({ state, cause }) => {
    if (!connected() || transfer.value.stage === 'idle' || transfer.value.stage === 'blind')
      return
    switch (state) {
      case 'calling':
        break
      case 'ringing':
        if (transfer.value.stage === 'calling')
          transfer.value = { ...transfer.value, stage: 'ringing' }
        break
      case 'answered':
        transfer.value = { ...transfer.value, stage: 'talking' }
        break
      case 'ended': {
        if (cause?.type === 'transferred')
          return // callEnded follows
        const who = transfer.value.display
        transfer.value = { stage: 'idle', target: '', display: '' }
        if (resumeAfterConsultation) {
          resumeAfterConsultation = false
          void setHeld(false)
        }
        else {
          const why = cause ? describeEndCause(cause) : ''
          notify('info', `The transfer call to ${who} ended${why ? ` (${why.replace(/\.$/, '')})` : ''}. The caller is still on hold.`)
        }
        break
      }
    }
  })

  sip.on('callProgress', ({ earlyMedia: early }) => {
    if (early && active.value)
      earlyMedia.value = true
  })

  async function sampleQuality(): Promise<void> {
    let snapshot: StatsSnapshot | null
    try {
      snapshot = await sip.sampleStats()
    }
    catch {
      return
    }
    if (!snapshot || !connected())
      return
    const sample = sampleBetween(lastSnapshot, snapshot)
    lastSnapshot = snapshot
    // Nothing received and nothing lost yet: no audio to judge.
    if (snapshot.packetsReceived === 0 && snapshot.packetsLost === 0)
      return
    quality.value = sample
    qualitySamples.push(sample)
    const wasWarning = warningState.warning
    warningState = nextWarningState(warningState, sample.level)
    qualityWarning.value = warningState.warning
    if (warningState.warning && !wasWarning)
      notify('error', 'Poor call quality: the other side may hear you break up. Check your network or headset.')
  }

  function resetInCall(): void {
    clearInterval(qualityTimer)
    qualityTimer = undefined
    held.value = false
    holdPending.value = false
    keypadOpen.value = false
    dtmfSent.value = ''
    transfer.value = { stage: 'idle', target: '', display: '' }
    quality.value = null
    qualityWarning.value = false
    qualitySamples = []
    lastSnapshot = null
    warningState = NO_WARNING
    resumeAfterConsultation = false
  }

  watch(phase, (next, previous) => {
    if (next === 'calling' || next === 'incoming')
      earlyMedia.value = false
    if (next === 'connected' && previous !== 'connected') {
      resetInCall()
      qualityTimer = setInterval(() => void sampleQuality(), QUALITY_SAMPLE_MS)
    }
    else if (next !== 'connected' && previous === 'connected') {
      // The call's quality summary goes with it into the wrap-up (and its draft).
      if (call.value && qualitySamples.length > 0)
        call.value.quality = summarize(qualitySamples)
      resetInCall()
    }
  }, { flush: 'sync' })

  // Every keystroke of the wrap-up is kept until HubSpot confirms the save.
  watch([phase, call, () => wrapUp.value.outcomeId, () => wrapUp.value.notes], () => {
    if (phase.value === 'ended' && call.value) {
      const value: Draft = { call: call.value, outcomeId: wrapUp.value.outcomeId, notes: wrapUp.value.notes }
      storage.setItem(DRAFT_KEY, JSON.stringify(value))
    }
  }, { deep: true, flush: 'sync' })

  return {
    phase, call, wrapUp, muted, notices, active, inWrapUp,
    dial, hangup, toggleMute, saveCall, dismissNotice, notify,
    caller, answer, decline, openRecord,
    held, holdPending, keypadOpen, dtmfSent, transfer, consulting, earlyMedia, quality, qualityWarning,
    toggleHold, toggleKeypad, pressKey, blindTransfer, startAttendedTransfer, completeTransfer, cancelTransfer,
    attachAudio: (element: HTMLAudioElement | null) => sip.setRemoteAudioElement(element),
  }
})
