/**
 * Inbound calls: ring the agent, answer or decline, and HubSpot's caller-id
 * match and record navigation. The SIP adapter already refuses a second caller
 * (486) while a call is up and every caller (480) on Do not disturb; what
 * reaches this part rings unless the last call's wrap-up is still open.
 */
import { ref, watch } from 'vue'
import { formatPhoneForDisplay } from '@/domain/phoneNumber'
import type { CallCallee, CallerIdMatch } from '@/hubspot/types'
import type { CallContext } from './context'
import { t } from '@/i18n'
import { reason } from './context'
import type { InboundCaller } from './types'

/** The engagement's callee for a caller-id match (`hs_call_callee_object_type` CONTACT / COMPANY). */
function calleeOf(match: CallerIdMatch): CallCallee {
  return { objectId: match.objectCoordinates.objectId, objectType: match.callerIdType }
}

export function useInbound(ctx: CallContext, startCall: (record: NonNullable<CallContext['call']['value']>) => void) {
  const { sip, hubspot, now } = ctx.ports
  const { phase, call, active, inWrapUp, agent } = ctx
  const caller = ref<InboundCaller | null>(null)
  /** Answer was pressed and the 200 OK is on its way: a second press must not answer twice. */
  const answering = ref(false)

  sip.on('incomingCall', ({ callId, fromNumber, displayName, at }) => {
    if (phase.value !== 'idle') {
      // The last call's wrap-up is not saved yet: the caller hears busy, HubSpot hears nothing.
      void sip.decline(486)
      return
    }
    const startedAt = at ?? now()
    startCall({
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
    })
    caller.value = { displayName, lookup: 'pending', matches: [], chosen: null }
    ctx.go({ type: 'incoming' })
    hubspot.incomingCall({ externalCallId: callId, fromNumber, toNumber: agent.extension, callStartTime: startedAt, createEngagement: true })
  })

  /** Answer the ringing inbound call. */
  async function answer(): Promise<void> {
    if (phase.value !== 'incoming' || answering.value)
      return
    answering.value = true
    try {
      // Resolves once our 200 OK is out; the call is answered when the caller's ACK confirms it
      // (callAnswered), so Answer stays pressed until the phase leaves 'incoming'.
      await sip.answer()
    }
    catch (error) {
      answering.value = false
      if (phase.value === 'incoming')
        ctx.notify('error', t('notice.notAnswered', { why: reason(error) }))
    }
  }

  /**
   * Decline the ringing inbound call (603); it ends REJECTED. After Answer, while the caller's ACK has
   * not confirmed the call, it is hung up instead (the BYE follows the ACK), and ends at once as well.
   */
  async function decline(): Promise<void> {
    if (phase.value !== 'incoming')
      return
    if (answering.value)
      await sip.hangup()
    else
      await sip.decline(603)
  }

  const isInboundCall = (): boolean => call.value?.direction === 'INBOUND' && (active.value || inWrapUp.value)

  /** The call is filed on this record (or on none). */
  function choose(match: CallerIdMatch | null): void {
    if (!caller.value)
      return
    caller.value = { ...caller.value, chosen: match }
    if (call.value?.direction === 'INBOUND')
      call.value.callee = match ? calleeOf(match) : null
  }

  hubspot.on('callerIdMatchSucceeded', ({ matches }) => {
    if (!caller.value || !isInboundCall())
      return
    caller.value = { ...caller.value, lookup: 'matched', matches }
    // One record: that is the caller. Several (two contacts, a contact and a company): the agent
    // picks, as in HubSpot's own dialer; until then the call is filed on none of them.
    choose(matches.length === 1 ? matches[0]! : null)
  })
  hubspot.on('callerIdMatchFailed', () => {
    if (!caller.value || !isInboundCall())
      return
    caller.value = { ...caller.value, lookup: 'unmatched', matches: [] }
    choose(null)
  })
  hubspot.on('navigateToRecordFailed', ({ message }) => {
    ctx.notify('error', t('notice.recordNotOpened', { why: message }))
  })

  /** Ask HubSpot to open a matched caller's contact or company record; that record is the caller's from now on. */
  function openRecord(match: CallerIdMatch): void {
    const { objectId, objectTypeId } = match.objectCoordinates
    const known = caller.value?.matches.find(m => m.objectCoordinates.objectId === objectId && m.objectCoordinates.objectTypeId === objectTypeId)
    if (known)
      choose(known)
    hubspot.navigateToRecord({
      objectCoordinates: match.objectCoordinates,
      ...(call.value?.engagementId ? { engagementId: call.value.engagementId } : {}),
    })
  }

  watch(phase, (next) => {
    if (next !== 'incoming')
      answering.value = false
    if (next === 'idle')
      caller.value = null
  }, { flush: 'sync' })

  return { caller, answering, answer, decline, openRecord }
}
