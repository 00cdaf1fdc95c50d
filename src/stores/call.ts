/**
 * The one store that owns the call: from HubSpot's dial request (or the dialpad,
 * or an inbound INVITE) through SIP to the wrap-up HubSpot saves. Adapters come
 * from `usePorts()`; the store keeps only plain data, never a sip.js or SDK object.
 *
 * This file is the call itself (dial, answer state, end, hang-up, mute) and the
 * composition root; the wrap-up, inbound and in-call parts live in ./call/ and
 * share one `CallContext`, so each stays small and the store is still one store.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CallEvent, CallPhase } from '@/domain/callMachine'
import { isCallActive, transition } from '@/domain/callMachine'
import { describeEndCause, mapEndCause } from '@/domain/endStatus'
import { defaultOutcomeFor } from '@/domain/outcomes'
import { normalizeDialString } from '@/domain/phoneNumber'
import type { CallEndCause } from '@/domain/types'
import type { DialRequest } from '@/hubspot/types'
import { usePorts } from '@/ports'
import { CallError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'
import type { CallContext } from './call/context'
import { reason } from './call/context'
import { useInbound } from './call/inbound'
import { useInCall } from './call/inCall'
import { useReconnect } from './call/reconnect'
import type { CallRecord, Notice, WrapUp } from './call/types'
import { emptyWrapUp, readDraft, useWrapUp } from './call/wrapUp'

export type { CallRecord, InboundCaller, Notice, TransferState, WrapUp } from './call/types'
export { QUALITY_SAMPLE_MS } from './call/inCall'

export const useCallStore = defineStore('call', () => {
  const ports = usePorts()
  const { sip, hubspot, storage, config, now } = ports
  const agent = useAgentStore()

  // A reload mid-wrap-up comes back to the same wrap-up, notes and all.
  const draft = readDraft(storage)
  const phase = ref<CallPhase>(draft ? 'ended' : 'idle')
  const call = ref<CallRecord | null>(draft?.call ?? null)
  const wrapUp = ref<WrapUp>(draft ? { ...emptyWrapUp(), outcomeId: draft.outcomeId, notes: draft.notes } : emptyWrapUp())
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

  /** A new call (outbound or inbound) replaces whatever the last one left behind. */
  function startCall(record: CallRecord): void {
    earlyEnd = null
    muted.value = false
    call.value = record
  }

  function go(event: CallEvent): boolean {
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

    startCall({
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
    })
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
      return refuse(`The call could not be placed: ${reason(error)}`, options.fromHubSpot)
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
    current.endedAt = reconnect.endTime(cause)
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
    if (!current || !isCurrent(callId) || transition(phase.value, { type: 'answered' }) === null)
      return
    // HubSpot hears first; the phase change then runs the in-call set-up (quality sampling, ringback off).
    current.answeredAt = now()
    hubspot.callAnswered({ externalCallId: current.callId ?? callId })
    go({ type: 'answered' })
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

  const ctx: CallContext = { ports, agent, phase, call, wrapUp, muted, active, inWrapUp, go, notify }
  const { saveCall } = useWrapUp(ctx)
  const inbound = useInbound(ctx, startCall)
  const inCall = useInCall(ctx)
  const reconnect = useReconnect(ctx)

  return {
    phase, call, wrapUp, muted, notices, active, inWrapUp,
    dial, hangup, toggleMute, saveCall, dismissNotice, notify,
    ...inbound,
    ...inCall,
    reconnecting: reconnect.reconnecting,
    attachAudio: (element: HTMLAudioElement | null) => sip.setRemoteAudioElement(element),
  }
})
