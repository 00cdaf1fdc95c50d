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
}

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
  sip.on('callProgress', () => {
    if (phase.value === 'calling')
      go({ type: 'progress' })
  })
  sip.on('callAnswered', ({ callId }) => {
    const current = call.value
    if (!current || !go({ type: 'answered' }))
      return
    current.answeredAt = now()
    hubspot.callAnswered({ externalCallId: current.callId ?? callId })
  })
  sip.on('callEnded', ({ cause }) => finish(cause))

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
    attachAudio: (element: HTMLAudioElement | null) => sip.setRemoteAudioElement(element),
  }
})
