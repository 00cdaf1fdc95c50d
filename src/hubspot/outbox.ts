/**
 * What the widget tells HubSpot before HubSpot's SYNC: the SDK drops every message sent before
 * the handshake (`IFrameManager.sendMessage`, with only a console warning), so a call that rang
 * while HubSpot was still loading reached HubSpot as `CALL_ANSWERED`, `CALL_ENDED`,
 * `CALL_COMPLETED` of a call it never heard of. The outbox holds those messages and sends them,
 * in order, once the handshake is done.
 *
 * Bounded: state messages (signed in/out, available/unavailable, size) keep only their latest
 * value, a newer `callCompleted` of a call replaces the held one, and when the outbox is full the
 * oldest call goes as a whole (never half a call: a call HubSpot hears of starts with its
 * `incomingCall`/`outgoingCall`).
 */

export interface OutboxMessage {
  /** Sends it through the SDK (only called once HubSpot synced). */
  send: () => void
  /** The call it belongs to (`externalCallId`), if any. */
  callId?: string
  /** A held message with the same key is replaced by this one (its latest value is all that counts). */
  key?: string
}

/** At most this many messages are held before the oldest call (or message) is dropped. */
export const MAX_HELD_OUTGOING = 64

export interface Outbox {
  /** Sends now when HubSpot synced, else holds. */
  post: (message: OutboxMessage) => void
  /** HubSpot synced: from now on messages go straight out. */
  open: () => void
  /** Sends what was held, in order. */
  flush: () => void
  /** How many messages are held (tests, debugging). */
  readonly size: number
}

export function createOutbox(limit = MAX_HELD_OUTGOING): Outbox {
  let isOpen = false
  let held: OutboxMessage[] = []

  function dropOldest(): void {
    const oldest = held[0]
    if (!oldest)
      return
    held = oldest.callId === undefined ? held.slice(1) : held.filter(m => m.callId !== oldest.callId)
  }

  return {
    post(message) {
      if (isOpen) {
        message.send()
        return
      }
      if (message.key !== undefined)
        held = held.filter(m => m.key !== message.key)
      held.push(message)
      while (held.length > limit)
        dropOldest()
    },
    open() {
      isOpen = true
    },
    flush() {
      for (const message of held.splice(0))
        message.send()
      held = []
    },
    get size() {
      return held.length
    },
  }
}
