/**
 * Which call an engagement answer is for. HubSpot answers `outgoingCall` / `incomingCall` with
 * `onCreateEngagementSucceeded` or `…Failed`, in the order the calls were announced, and may name the
 * call (`externalCallId`, our SIP Call-ID). An answer that arrives late (after the wrap-up gave up on
 * it, or after the next call started) must reach the call it is for, never the one on screen.
 */
export interface EngagementQueue {
  /** `outgoingCall` / `incomingCall` went out for this SIP Call-ID. */
  announced: (callId: string) => void
  /** The Call-ID an answer is for: the one it names, else the oldest announced call still waiting; null when none. */
  route: (answer: { externalCallId?: string }) => string | null
}

/** At most this many calls wait for HubSpot's answer; older ones are forgotten (HubSpot will not answer them any more). */
export const MAX_WAITING_ENGAGEMENTS = 20

export function createEngagementQueue(): EngagementQueue {
  const waiting: string[] = []
  return {
    announced(callId) {
      if (waiting.includes(callId))
        return
      waiting.push(callId)
      if (waiting.length > MAX_WAITING_ENGAGEMENTS)
        waiting.shift()
    },
    route({ externalCallId }) {
      if (externalCallId !== undefined) {
        const at = waiting.indexOf(externalCallId)
        if (at >= 0)
          waiting.splice(at, 1)
        return externalCallId
      }
      return waiting.shift() ?? null
    },
  }
}
