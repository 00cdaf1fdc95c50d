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
import { computed, ref, watch } from 'vue'
import type { CallEvent, CallPhase } from '@/domain/callMachine'
import { isCallActive, transition } from '@/domain/callMachine'
import { describeEndCause, mapEndCause } from '@/domain/endStatus'
import { buildEngagementProperties } from '@/domain/engagement'
import { defaultOutcomeFor } from '@/domain/outcomes'
import { formatPhoneForDisplay, normalizeDialString } from '@/domain/phoneNumber'
import { loadPhoneNumberRules, phoneNumberRules } from '@/domain/phoneNumberRules'
import type { CallEndCause } from '@/domain/types'
import type { CallCallee, DialRequest } from '@/hubspot/types'
import { usePorts } from '@/ports'
import { CallError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'
import type { CallContext } from './call/context'
import { t } from '@/i18n'
import { reason } from './call/context'
import { useInbound } from './call/inbound'
import { useInCall } from './call/inCall'
import { usePostDial } from './call/postDial'
import { useReconnect } from './call/reconnect'
import type { CallRecord, Notice, WrapUp } from './call/types'
import { readDraft } from './call/draft'
import { emptyWrapUp, useWrapUp } from './call/wrapUp'

export type { CallRecord, InboundCaller, Notice, SavedCall, TransferState, WrapUp } from './call/types'
export { QUALITY_SAMPLE_MS } from './call/inCall'

/**
 * A DIAL_NUMBER identical to the previous one within this many ms is a repeat of the same click
 * (HubSpot has sent duplicates ~20 ms apart, calling-extensions-sdk issue 210) and is ignored.
 */
export const DUPLICATE_DIAL_WINDOW_MS = 2000

/** The engagement's notes for a call another phone answered. */

export const useCallStore = defineStore('call', () => {
  const ports = usePorts()
  const { sip, hubspot, storage, config, now } = ports
  const agent = useAgentStore()

  // A reload mid-wrap-up comes back to the same wrap-up, notes and all (unless its agent signed out).
  const draft = agent.resumeAtLoad ? readDraft(storage, agent.agentId) : null
  const phase = ref<CallPhase>(draft ? 'ended' : 'idle')
  const call = ref<CallRecord | null>(draft?.call ?? null)
  const wrapUp = ref<WrapUp>(draft ? { ...emptyWrapUp(), outcomeId: draft.outcomeId, notes: draft.notes } : emptyWrapUp())
  const muted = ref(false)
  const notices = ref<Notice[]>([])
  /** A callEnded that arrived before `sip.call()` resolved with the Call-ID. */
  let earlyEnd: CallEndCause | null = null
  /**
   * HubSpot's last dial request, when it came, and how many calls had been wrapped up then
   * (HubSpot has sent one click twice, ~20 ms apart; the same number dialed again after the last
   * call was saved is a new request).
   */
  let lastHubSpotDial: { key: string, at: number, wrapUps: number } | null = null
  let wrapUps = 0
  watch(phase, (next, previous) => {
    if (previous === 'ended' && next === 'idle')
      wrapUps++
  }, { flush: 'sync' })
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

  const afterTask = ports.afterTask ?? ((step: () => void) => {
    setTimeout(step, 0)
  })
  /** An answered call's phase change, due in the next task (see the `callAnswered` handler). */
  let pendingAnswer: (() => void) | null = null
  /** Runs the answered call's phase change now if it is still due. */
  function settleAnswer(): void {
    const step = pendingAnswer
    pendingAnswer = null
    step?.()
  }

  function go(event: CallEvent): boolean {
    const next = transition(phase.value, event)
    if (next === null)
      return false
    phase.value = next
    return true
  }

  /** Dial a number typed by the agent or sent by HubSpot. Returns whether a call was started. */
  async function dial(raw: unknown, options: { fromHubSpot: boolean, region?: string, callee?: CallCallee }): Promise<boolean> {
    settleAnswer()
    // The number rules load after the first paint; a dial that comes sooner waits for them, then
    // checks everything as it stands. A failed load is told by normalizeDialString below.
    if (phoneNumberRules() === undefined)
      await loadPhoneNumberRules().catch((error: unknown) => console.error('[softphone] The phone number rules could not be loaded', error))
    if (active.value) {
      if (options.fromHubSpot && isBeingDialed(raw, options.region))
        return false
      return refuse(t('notice.callInProgress'), options.fromHubSpot)
    }
    if (inWrapUp.value) {
      return refuse(noRecord.value
        ? t('notice.closeWrapUpFirst')
        : t('notice.saveFirst'), options.fromHubSpot)
    }
    if (!agent.isRegistered)
      return refuse(t('notice.signInFirst'), options.fromHubSpot)
    const target = normalizeDialString(raw, { region: options.region, defaultRegion: config.defaultCountry })
    if (!target.ok)
      return refuse(target.message, options.fromHubSpot)

    // The SIP call starts before the screen changes. Both are chains of microtasks in this task:
    // the record and phase below queue Vue's re-render, sip.js's steps up to getUserMedia follow
    // promises; whichever is queued first runs first, and the INVITE waits on sip.js's chain
    // (DIAL_NUMBER → INVITE in the bench). An error thrown at once is a rejection like any other.
    const placing = (async () => sip.call(target.target, { display: target.display, requestedBy: options.fromHubSpot ? 'hubspot' : 'agent', ...(options.callee ? { callee: options.callee } : {}) }))()
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
      callee: options.callee ?? null,
      extension: target.extension ?? null,
    })
    go({ type: 'dial' })
    let callId: string
    try {
      ({ callId } = await placing)
    }
    catch (error) {
      phase.value = 'idle'
      call.value = null
      // Hung up (by the agent or HubSpot) before the INVITE left: nothing was dialed, nothing to report.
      if (error instanceof CallError && error.kind === 'canceled') {
        notify('info', t('notice.cancelled'))
        return false
      }
      return refuse(t('notice.notPlaced', { why: reason(error) }), options.fromHubSpot)
    }
    const current = call.value
    if (!current)
      return false
    current.callId = callId
    announceOutgoing(current, callId)
    if (earlyEnd)
      finish(earlyEnd)
    return true
  }

  /**
   * HubSpot asks again for the call that is already being placed (the same number, not answered
   * yet): a repeat of the request being served, not a second call and not an error.
   */
  function isBeingDialed(raw: unknown, region: string | undefined): boolean {
    const current = call.value
    if (!current || current.direction !== 'OUTBOUND' || (phase.value !== 'calling' && phase.value !== 'ringing'))
      return false
    const target = normalizeDialString(raw, { region, defaultRegion: config.defaultCountry })
    return target.ok && target.target === current.toNumber && target.extension?.sequence === current.extension?.sequence
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
    const record = (): void => {
      current.endedAt = reconnect.endTime(cause)
      current.endStatus = status
      current.endReason = describeEndCause(cause, config.ringTimeoutSeconds)
      muted.value = false
    }
    if (cause.type === 'answered-elsewhere' && phase.value === 'incoming') {
      record()
      closeAnsweredElsewhere(current)
      return
    }
    // HubSpot hears first; then the record (the call history writes its entry from it), and the
    // phase change runs the wrap-up's set-up (its draft is stored synchronously) and the in-call
    // tear-down, none of which CALL_ENDED need wait for.
    if (cause.type === 'transferred')
      hubspot.callTransferred({ externalCallId: current.callId })
    hubspot.callEnded({
      externalCallId: current.callId,
      engagementId: current.engagementId ?? undefined,
      callEndStatus: status,
    })
    record()
    // The form first, then the phase: the draft's first write (and what the agent's other frames
    // read of it) already has the default outcome.
    wrapUp.value = { ...emptyWrapUp(), outcomeId: defaultOutcomeFor(status, cause) ?? '' }
    go({ type: 'ended' })
  }

  /**
   * A colleague's phone answered the call (a ring group; RFC 3326 Reason in the CANCEL): not a
   * missed call, and nothing for this agent to wrap up. HubSpot gets the call as CANCELED, with
   * its engagement completed right away so no ghost call is left on the timeline, and the agent
   * is ready for the next call at once.
   */
  function closeAnsweredElsewhere(current: CallRecord): void {
    const callId = current.callId ?? ''
    hubspot.callEnded({ externalCallId: callId, engagementId: current.engagementId ?? undefined, callEndStatus: 'CANCELED' })
    // Sent once HubSpot's engagement exists (it may still be on its way), like every callCompleted.
    completeWithoutWrapUp({ ...current }, engagementId => ({
      externalCallId: callId,
      engagementId,
      hideWidget: false,
      engagementProperties: buildEngagementProperties({
        callStartTime: current.startedAt,
        endedAt: current.endedAt ?? now(),
        status: 'CANCELED',
        notes: t('notice.answeredElsewhereNote'),
        toNumber: current.toNumber,
        fromNumber: current.fromNumber,
        direction: current.direction,
        callee: current.callee,
      }),
    }))
    go({ type: 'dismissed' })
    call.value = null
    notify('info', t('notice.answeredElsewhere', { who: current.display }))
  }

  async function hangup(): Promise<void> {
    if (active.value)
      await sip.hangup()
  }

  function toggleMute(): void {
    settleAnswer()
    if (phase.value !== 'connected')
      return
    muted.value = !muted.value
    sip.setMuted(muted.value)
  }

  /** HubSpot's OUTGOING_CALL_STARTED for an outbound call (SDK `outgoingCall`), the engagement to be created. */
  function announceOutgoing(record: CallRecord, callId: string): void {
    hubspot.outgoingCall({
      externalCallId: callId,
      toNumber: record.toNumber,
      fromNumber: record.fromNumber,
      callStartTime: record.startedAt,
      createEngagement: true,
    })
  }

  // --- SIP events ------------------------------------------------------------
  /**
   * A call placed from another of the agent's frames (src/frames/): this frame follows it, and says
   * so to HubSpot like the frame that dialed it. The frames pass each call's facts to the frame that
   * reports it, which sends each one once, in the order it has them: when that is not the frame that
   * dialed (the calling window HubSpot opens for a tab's dial), its own OUTGOING_CALL_STARTED comes
   * before the CALL_ANSWERED it hears itself, not whenever the dialing frame's copy arrives.
   */
  sip.on('callStarted', ({ callId, target, label, at }) => {
    // This frame's own dial learns its Call-ID from `sip.call()` (a callEnded before that is kept for it).
    if (call.value !== null || phase.value !== 'idle')
      return
    const record: CallRecord = {
      callId,
      direction: 'OUTBOUND',
      toNumber: target,
      display: label?.display ?? formatPhoneForDisplay(target),
      fromNumber: agent.extension,
      startedAt: at ?? now(),
      answeredAt: null,
      endedAt: null,
      engagementId: null,
      endStatus: null,
      endReason: null,
      callee: label?.callee ?? null,
      extension: null,
    }
    startCall(record)
    go({ type: 'dial' })
    announceOutgoing(record, callId)
  })

  // Mute is the phone's: pressed in any frame, shown in all.
  sip.on('muted', ({ muted: value }) => {
    if (active.value)
      muted.value = value
  })
  /** Events of a call that is not ours any more (a late retransmission, an old dialog) are ignored. */
  function isCurrent(callId: string): boolean {
    const current = call.value
    return current !== null && (current.callId === null || current.callId === callId)
  }
  sip.on('callProgress', ({ callId }) => {
    if (phase.value === 'calling' && isCurrent(callId))
      go({ type: 'progress' })
  })
  sip.on('callAnswered', ({ callId, at }) => {
    settleAnswer()
    const current = call.value
    if (!current || !isCurrent(callId) || transition(phase.value, { type: 'answered' }) === null)
      return
    // HubSpot hears first, and receives CALL_ANSWERED (a postMessage to its cross-process window)
    // only once this task is over. The phase change runs the in-call set-up and re-renders the
    // screen (~1 ms in the bench's trace of an answer), so it waits for the next task; a call
    // event that comes sooner (the call's end, a lost connection) runs it first.
    hubspot.callAnswered({ externalCallId: current.callId ?? callId })
    current.answeredAt = at ?? now()
    pendingAnswer = () => {
      if (call.value === current)
        go({ type: 'answered' })
    }
    afterTask(settleAnswer)
  })
  sip.on('callEnded', ({ callId, cause }) => {
    settleAnswer()
    if (isCurrent(callId))
      finish(cause)
  })

  // --- HubSpot events --------------------------------------------------------
  // Notices are the signed-in agent's: the next agent to sign in starts with none.
  watch(() => agent.signedIn, (signedIn, was) => {
    if (was && !signedIn)
      notices.value = []
  })

  /** Counts every phase change, so a repeated DIAL_NUMBER is told apart from one after anything happened. */
  let phaseChanges = 0
  watch(phase, () => {
    phaseChanges++
  }, { flush: 'sync' })
  hubspot.on('dialNumber', (payload) => {
    if ('invalid' in payload) {
      refuse(payload.invalid, true)
      return
    }
    const request: DialRequest = payload.request
    // The very same request again within DUPLICATE_DIAL_WINDOW_MS is HubSpot repeating one click:
    // it gets the first one's outcome (one call, or one error), not a second answer.
    // Once anything changed in between (the call started, the wrap-up was closed), it is a new request.
    const key = JSON.stringify([request.phoneNumber, request.countryCode ?? '', phaseChanges])
    const at = now()
    const last = lastHubSpotDial
    if (last && last.key === key && last.wrapUps === wrapUps && at - last.at >= 0 && at - last.at < DUPLICATE_DIAL_WINDOW_MS)
      return
    lastHubSpotDial = { key, at, wrapUps }
    void dial(request.phoneNumber, { fromHubSpot: true, region: request.countryCode, callee: request.callee })
  })
  hubspot.on('endCall', () => {
    void hangup()
  })

  const ctx: CallContext = { ports, agent, phase, call, wrapUp, muted, active, inWrapUp, go, notify, settleAnswer }
  const { saveCall, requestClose, confirmClose, cancelClose, completeWithoutWrapUp, noRecord, draftKept, onCallSaved } = useWrapUp(ctx, draft ? agent.agentId : null)
  const inbound = useInbound(ctx, startCall)
  const inCall = useInCall(ctx)
  const { postDial } = usePostDial(ctx)
  const reconnect = useReconnect(ctx)

  return {
    phase, call, wrapUp, muted, notices, active, inWrapUp, postDial,
    dial, hangup, toggleMute, saveCall, requestClose, confirmClose, cancelClose, noRecord, draftKept, onCallSaved, dismissNotice, notify,
    ...inbound,
    ...inCall,
    reconnecting: reconnect.reconnecting,
    attachAudio: (element: HTMLAudioElement | null) => sip.setRemoteAudioElement(element),
  }
})
