import type { EndStatus } from '@/domain/types'

/** What HubSpot tells us in `onReady` (the SYNC payload). Every field is optional on the wire. */
export interface ReadyInfo {
  engagementId?: number
  portalId?: number
  userId?: number
  ownerId?: number | string
  iframeLocation?: 'widget' | 'remote' | 'window'
  usesCallingWindow?: boolean
}

/** A validated `onDialNumber` payload. Only `phoneNumber` is required to dial. */
export interface DialRequest {
  phoneNumber: string
  countryCode?: string
  objectId?: number
  objectType?: 'CONTACT' | 'COMPANY'
  ownerId?: number | string
  portalId?: number
  subjectId?: number
  startTimestamp?: number
  toPhoneNumberSrc?: string
  calleeInfo?: { calleeId?: number, calleeObjectTypeId?: string }
  /** The record dialed, worked out by `dialCallee` (parse.ts) from calleeInfo, else objectId/objectType. */
  callee?: CallCallee
}

/** The HubSpot record a call is about (the engagement's `hs_call_callee_object_id` / `_type`). */
export interface CallCallee {
  objectId: number
  /** `CONTACT`, `COMPANY`, or another object's type id (e.g. `2-123456`). */
  objectType: string
}

/** Where a HubSpot record lives (the SDK's `ObjectCoordinates`): 0-1 contact, 0-2 company. */
export interface ObjectCoordinates {
  portalId: number
  objectId: number
  objectTypeId: '0-1' | '0-2'
}

/** HubSpot's caller-id match for an inbound call (the SDK's ContactIdMatch / CompanyIdMatch). */
export type CallerIdMatch =
  | { callerIdType: 'CONTACT', objectCoordinates: ObjectCoordinates, firstName: string, lastName: string, email: string }
  | { callerIdType: 'COMPANY', objectCoordinates: ObjectCoordinates, name: string }

export interface VisibilityInfo {
  isMinimized: boolean
  isHidden: boolean
}

/** Messages from HubSpot, already validated. Handlers never see `any`. */
export interface HubSpotEvents {
  ready: ReadyInfo
  /** A dial request; `invalid` is set when the payload could not be understood. */
  dialNumber: { request: DialRequest } | { invalid: string }
  endCall: undefined
  /** `externalCallId` when HubSpot names the call it answers for (it answers in the order the calls were announced). */
  engagementCreated: { engagementId: number, externalCallId?: string }
  engagementCreateFailed: { message: string, externalCallId?: string }
  engagementUpdated: { engagementId?: number }
  engagementUpdateFailed: { message: string }
  visibilityChanged: VisibilityInfo
  /** HubSpot found the inbound caller's number on records (first = best match; never empty). */
  callerIdMatchSucceeded: { matches: CallerIdMatch[] }
  /** No record has the inbound caller's number (or HubSpot's answer was unusable). */
  callerIdMatchFailed: { message: string }
  navigateToRecordFailed: { message: string }
}

export type HubSpotEventName = keyof HubSpotEvents
export type HubSpotEventHandler<K extends HubSpotEventName> = (payload: HubSpotEvents[K]) => void

export interface OutgoingCallPayload {
  externalCallId: string
  toNumber: string
  fromNumber: string
  callStartTime: number
  createEngagement: true
}

/** `incomingCall`: an INVITE is ringing at the agent. */
export interface IncomingCallPayload {
  externalCallId: string
  /** The caller: `+` and digits, or an extension. */
  fromNumber: string
  /** The agent's extension. */
  toNumber: string
  callStartTime: number
  createEngagement: true
}

export interface NavigateToRecordPayload {
  objectCoordinates: ObjectCoordinates
  engagementId?: number
}

export interface CallEndedPayload {
  externalCallId: string
  engagementId?: number
  callEndStatus: EndStatus
}

/** The engagement properties we write on `callCompleted`. */
export interface EngagementProperties {
  hs_timestamp: number
  hs_call_body: string
  hs_call_disposition?: string
  hs_call_duration: string
  hs_call_status: string
  hs_call_to_number: string
  hs_call_from_number: string
  hs_call_direction: 'OUTBOUND' | 'INBOUND'
  hs_call_title?: string
  /** The record called (OUTBOUND) or calling (INBOUND), as a string id. */
  hs_call_callee_object_id?: string
  hs_call_callee_object_type?: string
}

export interface CallCompletedPayload {
  externalCallId: string
  engagementId?: number
  hideWidget: boolean
  engagementProperties: EngagementProperties
}

/**
 * The softphone's view of HubSpot. `createHubSpotPort` is the only code that
 * imports the SDK; tests use a fake with the same shape.
 */
export interface HubSpotPort {
  // Outgoing messages. The SDK drops (with a console.warn) anything sent before HubSpot's SYNC,
  // i.e. before the `ready` event; the port holds every message but `initialized` until then
  // (outbox.ts) and sends them, in order, right after the `ready` handlers: send `initialized` from `ready`.
  initialized: (payload: { isLoggedIn: boolean, engagementId?: number }) => void
  userLoggedIn: () => void
  userLoggedOut: () => void
  outgoingCall: (payload: OutgoingCallPayload) => void
  incomingCall: (payload: IncomingCallPayload) => void
  /** Ask HubSpot to open a record (the inbound caller's contact or company). */
  navigateToRecord: (payload: NavigateToRecordPayload) => void
  /** The agent takes inbound calls again / is on Do not disturb. */
  userAvailable: () => void
  userUnavailable: () => void
  callAnswered: (payload: { externalCallId: string }) => void
  /** The agent transferred the answered call (blind or attended); `callEnded` follows. */
  callTransferred: (payload: { externalCallId: string }) => void
  callEnded: (payload: CallEndedPayload) => void
  callCompleted: (payload: CallCompletedPayload) => void
  sendError: (payload: { message: string }) => void
  resizeWidget: (payload: { width: number, height: number }) => void
  /**
   * Subscribe; returns the unsubscribe. A handler that throws is logged and does
   * not affect other handlers. `ready` is sticky: subscribing after HubSpot's
   * SYNC replays the last `ReadyInfo` in a microtask (HubSpot SYNCs only once).
   * `ready` may fire again (a host `SET_WIDGET_URL` re-runs the SDK's onReady, with `{}`).
   */
  on: <K extends HubSpotEventName>(event: K, handler: HubSpotEventHandler<K>) => () => void
  /** Stop listening to `window` messages and drop all handlers; later outgoing calls are no-ops. */
  dispose: () => void
}
