/**
 * The call kept through a lost connection to the PBX (the SIP adapter's `callReconnecting` /
 * `callReconnected`, see src/sip/callRecovery.ts): the call screen reads "Reconnecting…", the
 * timer runs on and HubSpot hears nothing. If the call then turns out to have been hung up by
 * the far end while the connection was down, its talk time runs to the loss, not to the moment
 * the softphone found out.
 */
import { ref } from 'vue'
import type { CallEndCause } from '@/domain/types'
import type { CallContext } from './context'

export function useReconnect(ctx: CallContext) {
  const { sip, now } = ctx.ports
  const { phase, call } = ctx
  /** The signalling connection is lost and the call is kept while it comes back. */
  const reconnecting = ref(false)
  /** When the connection was lost (ms since the epoch), while reconnecting. */
  let lostAt: number | null = null

  const isThisCall = (callId: string): boolean => {
    ctx.settleAnswer()
    return phase.value === 'connected' && call.value?.callId === callId
  }

  sip.on('callReconnecting', ({ callId }) => {
    if (!isThisCall(callId) || reconnecting.value)
      return
    reconnecting.value = true
    lostAt = now()
  })
  sip.on('callReconnected', ({ callId }) => {
    if (!isThisCall(callId))
      return
    reconnecting.value = false
    lostAt = null
  })

  /** The end time to record for a call ending with `cause` now; clears the reconnecting state. */
  function endTime(cause: CallEndCause): number {
    const at = reconnecting.value && lostAt !== null && cause.type === 'hangup' && cause.by === 'remote' ? lostAt : now()
    reconnecting.value = false
    lostAt = null
    return at
  }

  return { reconnecting, endTime }
}
