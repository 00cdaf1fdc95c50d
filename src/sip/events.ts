/**
 * The one listener registry behind every `SipPhone`'s `on()`: the adapter, the lazy loader
 * and the reconnecting wrapper all keep the same per-event handler sets and must deliver the
 * same way (a snapshot of the handlers, one throwing handler never stops the others).
 * Free of sip.js, so the lazy loader can use it before sip.js is downloaded.
 */
import type { SipEventHandler, SipEventName, SipPhoneEvents } from './types'

export interface EventHub {
  /** Hands `payload` to every handler of `event`; a handler that throws is reported, the rest still run. */
  emit: <K extends SipEventName>(event: K, payload: SipPhoneEvents[K]) => void
  /** `SipPhone.on`: adds a handler, returns its removal. */
  on: <K extends SipEventName>(event: K, handler: SipEventHandler<K>) => () => void
  /** The handlers of `event` as they are now (for a caller that delivers by itself). */
  handlers: <K extends SipEventName>(event: K) => Array<SipEventHandler<K>>
  /** Drops every handler (dispose). */
  clear: () => void
}

type Listeners = { [K in SipEventName]: Set<SipEventHandler<K>> }

/** Every event a `SipPhone` emits (a wrapper forwards them all). */
export const SIP_EVENT_NAMES: readonly SipEventName[] = ['registration', 'callStarted', 'callProgress', 'callAnswered', 'callEnded', 'incomingCall', 'consultation', 'callReconnecting', 'callReconnected', 'muted', 'held', 'availability']

export function createEventHub(reportThrow: (event: SipEventName, error: unknown) => void): EventHub {
  const listeners: Listeners = {
    registration: new Set(),
    callStarted: new Set(),
    callProgress: new Set(),
    callAnswered: new Set(),
    callReconnecting: new Set(),
    callReconnected: new Set(),
    callEnded: new Set(),
    incomingCall: new Set(),
    consultation: new Set(),
    muted: new Set(),
    held: new Set(),
    availability: new Set(),
  }
  function handlers<K extends SipEventName>(event: K): Array<SipEventHandler<K>> {
    return [...listeners[event]]
  }
  return {
    emit(event, payload) {
      for (const handler of handlers(event)) {
        try {
          handler(payload)
        }
        catch (error) {
          reportThrow(event, error)
        }
      }
    },
    on(event, handler) {
      const set: Set<typeof handler> = listeners[event]
      set.add(handler)
      return () => {
        set.delete(handler)
      }
    },
    handlers,
    clear() {
      for (const set of Object.values(listeners))
        set.clear()
    },
  }
}
