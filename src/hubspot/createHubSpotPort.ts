/**
 * The only app code that talks to `@hubspot/calling-extensions-sdk`.
 *
 * Wraps one `CallingExtensions` (widget side of the postMessage bridge) in the
 * typed `HubSpotPort`: incoming SDK events are validated by `parse.ts` and
 * re-emitted as `HubSpotEvents`; outgoing calls forward exactly the contract's
 * fields. The SDK object lives in this closure only: never return it and never
 * put it in reactive state (Vue would proxy its window/iframe references).
 */
import CallingExtensions, {
  type EventHandlers,
  type OnCallCompleted,
  type OnCallEnded,
  type OnInitialized,
  type OnNavigateToRecord,
} from '@hubspot/calling-extensions-sdk'
import { probeSends } from './benchProbe'
import { createOutbox } from './outbox'
import type { OutboxMessage } from './outbox'
import {
  CALLER_ID_FAILED_FALLBACK,
  CREATE_FAILED_FALLBACK,
  NAVIGATE_FAILED_FALLBACK,
  UPDATE_FAILED_FALLBACK,
  parseCallerIdMatches,
  parseDialNumber,
  parseEngagementCreated,
  parseExternalCallId,
  parseEngagementUpdated,
  parseFailureMessage,
  parseReady,
  parseVisibility,
} from './parse'
import type {
  HubSpotEventHandler,
  HubSpotEventName,
  HubSpotEvents,
  HubSpotPort,
  ReadyInfo,
} from './types'

export interface HubSpotPortOptions {
  /** Log every message both ways (the SDK's `debugMode`) and unhandled SDK events. */
  debug: boolean
}

type HandlerSets = { [K in HubSpotEventName]: Set<HubSpotEventHandler<K>> }

const LOG_PREFIX = '[hubspot]'

/** `callEnded` on the wire: the SDK type says `externalCallId`, HubSpot's doc says `externalCallID`. */
type CallEndedWire = Omit<OnCallEnded, 'engagementId'> & { externalCallID: string, engagementId?: number }

/** Optional properties left `undefined` would travel as explicit `undefined` keys: drop them. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/**
 * The SDK's `IFrameManager.logDebugMessage` runs before every postMessage, both ways, and
 * outside debug mode still calls `console.debug` with the whole message: on the path of every
 * call event (~0.6 ms per message in the bench's profile, more with DevTools attached), and
 * the browser keeps each logged payload for a DevTools that may open later. Outside debug
 * mode it does nothing; in debug mode the SDK logs as before.
 */
function quietUnlessDebugging(manager: { logDebugMessage?: unknown } | undefined, debug: boolean): void {
  if (!debug && manager && typeof manager.logDebugMessage === 'function')
    manager.logDebugMessage = () => {}
}

export function createHubSpotPort(options: HubSpotPortOptions): HubSpotPort {
  const { debug } = options
  const handlers: HandlerSets = {
    ready: new Set(),
    dialNumber: new Set(),
    endCall: new Set(),
    engagementCreated: new Set(),
    engagementCreateFailed: new Set(),
    engagementUpdated: new Set(),
    engagementUpdateFailed: new Set(),
    visibilityChanged: new Set(),
    callerIdMatchSucceeded: new Set(),
    callerIdMatchFailed: new Set(),
    navigateToRecordFailed: new Set(),
  }
  let lastReady: ReadyInfo | null = null
  let disposed = false

  const log = (...args: unknown[]): void => {
    if (debug) console.log(LOG_PREFIX, ...args)
  }

  function emit<K extends HubSpotEventName>(event: K, payload: HubSpotEvents[K]): void {
    if (disposed) return
    log('event', event, payload)
    // Copy: a handler may unsubscribe (itself or others) while we iterate.
    for (const handler of [...handlers[event]]) {
      try {
        handler(payload)
      } catch (error) {
        // A broken subscriber must not break the bridge nor the other subscribers.
        console.error(LOG_PREFIX, `a "${event}" handler threw`, error)
      }
    }
  }

  const ignore = (name: string) => (data: unknown): void => {
    log(`ignored ${name}`, data)
  }

  const onEngagementCreated = (data: unknown): void => {
    const result = parseEngagementCreated(data)
    if (result.ok) emit('engagementCreated', result.payload)
    else emit('engagementCreateFailed', result.payload)
  }

  const eventHandlers: EventHandlers = {
    onReady: (data: unknown) => {
      const info = parseReady(data)
      lastReady = info
      // `ready` handlers answer with `initialized` first; what was held before the SYNC follows, in order.
      outbox.open()
      emit('ready', info)
      if (!disposed) outbox.flush()
    },
    onDialNumber: (data: unknown) => emit('dialNumber', parseDialNumber(data)),
    onEndCall: () => emit('endCall', undefined),
    onCreateEngagementSucceeded: onEngagementCreated,
    onEngagementCreated,
    onCreateEngagementFailed: (data: unknown) =>
      emit('engagementCreateFailed', { ...parseFailureMessage(data, CREATE_FAILED_FALLBACK), ...parseExternalCallId(data) }),
    onUpdateEngagementSucceeded: (data: unknown) => emit('engagementUpdated', parseEngagementUpdated(data)),
    onUpdateEngagementFailed: (data: unknown) =>
      emit('engagementUpdateFailed', parseFailureMessage(data, UPDATE_FAILED_FALLBACK)),
    onVisibilityChanged: (data: unknown) => {
      const visibility = parseVisibility(data)
      if (visibility) emit('visibilityChanged', visibility)
      else log('ignored malformed VISIBILITY_CHANGED', data)
    },
    onCallerIdMatchSucceeded: (data: unknown) => {
      const result = parseCallerIdMatches(data)
      if (result.ok) emit('callerIdMatchSucceeded', result.payload)
      else emit('callerIdMatchFailed', result.payload)
    },
    onCallerIdMatchFailed: (data: unknown) =>
      emit('callerIdMatchFailed', parseFailureMessage(data, CALLER_ID_FAILED_FALLBACK)),
    onNavigateToRecordFailed: (data: unknown) =>
      emit('navigateToRecordFailed', parseFailureMessage(data, NAVIGATE_FAILED_FALLBACK)),
    // Registered so the SDK does not console.error "No event handler is available".
    onPublishToChannelSucceeded: ignore('PUBLISH_TO_CHANNEL_SUCCEEDED'),
    onPublishToChannelFailed: ignore('PUBLISH_TO_CHANNEL_FAILED'),
    onFinalizeEngagementSucceeded: ignore('FINALIZE_ENGAGEMENT_SUCCEEDED'),
    onFinalizeEngagementFailed: ignore('FINALIZE_ENGAGEMENT_FAILED'),
    onSetCallState: ignore('SET_CALL_STATE'),
    onSetWidgetUrlFailed: ignore('SET_WIDGET_URL_FAILED'),
    onInitiateCallIdSucceeded: ignore('INITIATE_CALL_ID_SUCCEEDED'),
    onInitiateCallIdFailed: ignore('INITIATE_CALL_ID_FAILED'),
    // The SDK calls onFailed in addition to the specific handler for every *_FAILED type.
    onFailed: ignore('*_FAILED'),
  }
  // Unknown message types are ignored (the SDK already answers them with an ERROR); without a
  // default handler the SDK would console.error each one, which a hostile host could flood.
  eventHandlers.defaultEventHandler = (data: unknown, event: unknown) => {
    log('unhandled HubSpot message', event, data)
  }

  /** Messages sent before HubSpot's SYNC wait here (the SDK would drop them). */
  const outbox = createOutbox()
  const extensions = new CallingExtensions({ debugMode: debug, eventHandlers })
  quietUnlessDebugging(extensions.iFrameManager, debug)
  if (import.meta.env.VITE_BENCH_PROBE)
    probeSends(extensions.iFrameManager)

  /** Outgoing calls after dispose() are dropped (the SDK would still post to the parent). */
  const live = (send: () => void, held: Omit<OutboxMessage, 'send'> = {}): void => {
    if (disposed) return
    outbox.post({
      ...held,
      send: () => {
        if (!disposed) send()
      },
    })
  }

  return {
    // The answer to SYNC (sent from `ready`): never held, it carries the state at that moment.
    initialized: ({ isLoggedIn, engagementId }) => {
      if (disposed) return
      const data: OnInitialized = { isLoggedIn }
      if (engagementId !== undefined) data.engagementId = engagementId
      extensions.initialized(data)
    },
    userLoggedIn: () => live(() => extensions.userLoggedIn(), { key: 'login' }),
    userLoggedOut: () => live(() => extensions.userLoggedOut(), { key: 'login' }),
    outgoingCall: ({ externalCallId, toNumber, fromNumber, callStartTime, createEngagement }) => live(() => {
      extensions.outgoingCall({ externalCallId, toNumber, fromNumber, callStartTime, createEngagement })
    }, { callId: externalCallId }),
    incomingCall: ({ externalCallId, fromNumber, toNumber, callStartTime, createEngagement }) => live(() => {
      extensions.incomingCall({ externalCallId, fromNumber, toNumber, callStartTime, createEngagement })
    }, { callId: externalCallId }),
    navigateToRecord: ({ objectCoordinates, engagementId }) => live(() => {
      const { portalId, objectId, objectTypeId } = objectCoordinates
      const data: OnNavigateToRecord = { objectCoordinates: { portalId, objectId, objectTypeId } }
      if (engagementId !== undefined) data.engagementId = engagementId
      extensions.navigateToRecord(data)
    }, { key: 'navigate' }),
    userAvailable: () => live(() => extensions.userAvailable(), { key: 'availability' }),
    userUnavailable: () => live(() => extensions.userUnavailable(), { key: 'availability' }),
    callAnswered: ({ externalCallId }) => live(() => extensions.callAnswered({ externalCallId }), { callId: externalCallId }),
    callTransferred: ({ externalCallId }) => live(() => extensions.callTransferred({ externalCallId }), { callId: externalCallId }),
    callEnded: ({ externalCallId, engagementId, callEndStatus }) => live(() => {
      const data: CallEndedWire = { externalCallId, externalCallID: externalCallId, callEndStatus }
      if (engagementId !== undefined) data.engagementId = engagementId
      // The SDK types engagementId as required; HubSpot accepts callEnded without one
      // (no engagement when creation failed), so send the wire object as is.
      extensions.callEnded(data as OnCallEnded)
    }, { callId: externalCallId }),
    callCompleted: ({ externalCallId, engagementId, hideWidget, engagementProperties }) => live(() => {
      const data: OnCallCompleted = { externalCallId, hideWidget, engagementProperties: withoutUndefined(engagementProperties) }
      if (engagementId !== undefined) data.engagementId = engagementId
      extensions.callCompleted(data)
    }, { callId: externalCallId, key: `completed:${externalCallId}` }),
    sendError: ({ message }) => live(() => extensions.sendError({ message })),
    resizeWidget: ({ width, height }) => live(() => extensions.resizeWidget({ width, height }), { key: 'size' }),
    on: (event, handler) => {
      const set = handlers[event]
      set.add(handler)
      // `ready` is a state, not just an event: HubSpot SYNCs once, possibly before the
      // app subscribed. Replay the last one (asynchronously, like a real delivery).
      if (event === 'ready' && lastReady !== null) {
        const info = lastReady
        queueMicrotask(() => {
          // Skip if disposed, unsubscribed, or a newer `ready` was delivered meanwhile.
          if (disposed || !set.has(handler) || lastReady !== info) return
          try {
            (handler as HubSpotEventHandler<'ready'>)(info)
          } catch (error) {
            console.error(LOG_PREFIX, 'a "ready" handler threw', error)
          }
        })
      }
      return () => {
        set.delete(handler)
      }
    },
    dispose: () => {
      if (disposed) return
      disposed = true
      extensions.iFrameManager.remove()
      for (const set of Object.values(handlers)) set.clear()
    },
  }
}
