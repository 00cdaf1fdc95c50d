/**
 * HubSpot hears each fact of a call once, from the call's reporter frame (see `framePhone.ts` for
 * who that is). Every frame's stores follow the same call and "send" the same facts; this wrapper of
 * a frame's `HubSpotPort` lets them through only where they belong:
 * - `outgoingCall`, `incomingCall`, `callAnswered`, `callEnded`, `callTransferred`: sent once per call
 *   (SIP Call-ID) by the reporter; another frame hands its copy to the reporter, which drops repeats;
 * - `callCompleted` (the agent's Save, in whichever frame): handed to the reporter, which has the
 *   engagement in its HubSpot; once the reporter's page has closed, sent to this frame's HubSpot;
 * - nothing while a frame replays what happened before it arrived;
 * - everything else (`initialized`, log-in/availability, errors, size, navigation) goes to this
 *   frame's own HubSpot: each HubSpot page keeps its own state (HubSpot's demo-react-ts `useCti.ts`).
 * HubSpot's answers about a call (engagement created/updated, caller-id matches) reach only the
 * reporter; it passes them to every frame, naming the call (`externalCallId`) when HubSpot did not.
 */
import { createEngagementQueue } from '@/domain/engagementQueue'
import type { HubSpotEventHandler, HubSpotEventName, HubSpotEvents, HubSpotPort } from '@/hubspot/types'
import type { FrameChannel } from './channel'
import { CALLING_WINDOW } from './framePhone'

export interface CallReporters {
  readonly frameId: string
  reporterOf: (callId: string) => string | undefined
  replaying: () => boolean
  /** Who reports a call changed (facts waiting for the calling window go out then). */
  onReporterChange?: (handler: () => void) => () => void
}

const ONCE = ['outgoingCall', 'incomingCall', 'callAnswered', 'callEnded', 'callTransferred'] as const
const ROUTED = [...ONCE, 'callCompleted'] as const
type Routed = typeof ROUTED[number]
const SHARED = ['engagementCreated', 'engagementCreateFailed', 'engagementUpdated', 'engagementUpdateFailed', 'callerIdMatchSucceeded', 'callerIdMatchFailed'] as const
type Shared = typeof SHARED[number]
/** A callCompleted for the same call within this many ms of the last is the same completion from another frame. */
const REPEATED_COMPLETE_MS = 2000
/** Calls remembered for dropping repeats. */
const MAX_SENT = 200
/** Frames remembered as gone (their page closed). */
const MAX_GONE = 50

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** A shared answer as this build knows it, else null (a frame of another build may send other shapes). */
function parseShared(event: string, payload: unknown): HubSpotEvents[Shared] | null {
  if (!isObject(payload))
    return null
  const okId = payload.externalCallId === undefined || typeof payload.externalCallId === 'string'
  switch (event) {
    case 'engagementCreated': return typeof payload.engagementId === 'number' && okId ? payload as HubSpotEvents['engagementCreated'] : null
    case 'engagementCreateFailed': return typeof payload.message === 'string' && okId ? payload as HubSpotEvents['engagementCreateFailed'] : null
    case 'engagementUpdated': return payload.engagementId === undefined || typeof payload.engagementId === 'number' ? payload as HubSpotEvents['engagementUpdated'] : null
    case 'engagementUpdateFailed': case 'callerIdMatchFailed': return typeof payload.message === 'string' ? payload as HubSpotEvents['engagementUpdateFailed'] : null
    case 'callerIdMatchSucceeded': return Array.isArray(payload.matches) && payload.matches.length > 0 ? payload as HubSpotEvents['callerIdMatchSucceeded'] : null
    default: return null
  }
}

export function createFrameHubSpot(port: HubSpotPort, calls: CallReporters, channel: FrameChannel): HubSpotPort {
  const sent = new Set<string>()
  /** Calls announced to this frame's HubSpot and not answered yet (HubSpot answers in order; at most 20 kept). */
  const awaiting = createEngagementQueue()
  const extra = new Map<HubSpotEventName, Set<(payload: never) => void>>()
  /** Frames whose page closed (their `bye`): nothing handed to them would reach a HubSpot. */
  const gone = new Set<string>()

  /** When each call's last callCompleted went out here (until HubSpot refused it). */
  const completing = new Map<string, number>()
  port.on('engagementUpdateFailed', () => completing.clear())

  function sendHere(method: Routed, payload: { externalCallId: string }): void {
    // Every frame completes a call answered elsewhere (no wrap-up) at the same moment: HubSpot gets
    // one. A save the agent retries (after HubSpot refused it or did not answer) goes out again.
    if (method === 'callCompleted') {
      const last = completing.get(payload.externalCallId)
      const at = Date.now()
      if (last !== undefined && at - last >= 0 && at - last < REPEATED_COMPLETE_MS)
        return
      completing.set(payload.externalCallId, at)
      if (completing.size > MAX_SENT)
        completing.delete(completing.keys().next().value as string)
    }
    if ((ONCE as readonly string[]).includes(method)) {
      const key = `${method}:${payload.externalCallId}`
      if (sent.has(key))
        return
      sent.add(key)
      if (sent.size > MAX_SENT)
        sent.delete(sent.values().next().value as string)
    }
    if (method === 'outgoingCall' || method === 'incomingCall')
      awaiting.announced(payload.externalCallId)
    ;(port[method] as (p: unknown) => void)(payload)
  }

  /** Facts of calls whose reporter is the calling window HubSpot is opening (framePhone's CALLING_WINDOW), in order. */
  let waiting: Array<[Routed, { externalCallId: string }]> = []
  calls.onReporterChange?.(() => {
    const ready = waiting.filter(([, payload]) => calls.reporterOf(payload.externalCallId) !== CALLING_WINDOW)
    waiting = waiting.filter(fact => !ready.includes(fact))
    for (const [method, payload] of ready)
      deliver(method, payload)
  })

  function route(method: Routed, payload: { externalCallId: string }): void {
    if (calls.replaying())
      return
    if (calls.reporterOf(payload.externalCallId) === CALLING_WINDOW) {
      waiting.push([method, payload])
      return
    }
    deliver(method, payload)
  }

  function deliver(method: Routed, payload: { externalCallId: string }): void {
    const reporter = calls.reporterOf(payload.externalCallId)
    // The agent's Save must not vanish with the reporter's tab: HubSpot finds the engagement by its id
    // from any of its pages.
    if (reporter === undefined || reporter === calls.frameId || (method === 'callCompleted' && gone.has(reporter)))
      sendHere(method, payload)
    else
      channel.post({ type: 'hubspot-send', to: reporter, method, payload })
  }

  function emitExtra<K extends HubSpotEventName>(event: K, payload: HubSpotEvents[K]): void {
    for (const handler of [...(extra.get(event) ?? [])]) {
      try {
        (handler as HubSpotEventHandler<K>)(payload)
      }
      catch (error) {
        console.error(`[softphone] A "${event}" handler threw`, error)
      }
    }
  }

  // What this frame's HubSpot answers about a call, every frame hears.
  for (const event of SHARED) {
    port.on(event, (payload: HubSpotEvents[Shared]) => {
      let shared: HubSpotEvents[Shared] = payload
      if (event === 'engagementCreated' || event === 'engagementCreateFailed') {
        const named = (payload as { externalCallId?: string }).externalCallId
        const callId = awaiting.route({ externalCallId: named })
        if (named === undefined && callId !== null)
          shared = { ...payload, externalCallId: callId }
      }
      channel.post({ type: 'hubspot-answer', event, payload: shared })
    })
  }

  channel.on((message) => {
    if (message.type === 'bye') {
      gone.add(message.from)
      if (gone.size > MAX_GONE)
        gone.delete(gone.values().next().value as string)
    }
    else if (message.type === 'hubspot-send' && (ROUTED as readonly string[]).includes(message.method)
      && isObject(message.payload) && typeof message.payload.externalCallId === 'string') {
      sendHere(message.method as Routed, message.payload as { externalCallId: string })
    }
    else if (message.type === 'hubspot-answer' && (SHARED as readonly string[]).includes(message.event)) {
      const payload = parseShared(message.event, message.payload)
      if (payload)
        emitExtra(message.event as Shared, payload)
    }
  })

  return {
    ...port,
    outgoingCall: payload => route('outgoingCall', payload),
    incomingCall: payload => route('incomingCall', payload),
    callAnswered: payload => route('callAnswered', payload),
    callEnded: payload => route('callEnded', payload),
    callTransferred: payload => route('callTransferred', payload),
    callCompleted: payload => route('callCompleted', payload),
    on(event, handler) {
      const off = port.on(event, handler)
      const set = extra.get(event) ?? new Set()
      extra.set(event, set)
      set.add(handler as (payload: never) => void)
      return () => {
        off()
        set.delete(handler as (payload: never) => void)
      }
    },
  }
}
