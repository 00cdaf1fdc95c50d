import type { StatsSnapshot } from '@/domain/quality'
import type { CallEndCause } from '@/domain/types'

/** Where the PBX is and how to reach it. Built from the run-time config. */
export interface SipPhoneOptions {
  /** WebSocket URL of the PBX, e.g. `wss://pbx.example.com:8089/ws` (ws:// only on localhost). */
  server: string
  /** SIP domain used in the AOR and Request-URIs, e.g. `pbx.example.com`. */
  domain: string
  /** STUN/TURN servers; empty means host candidates only. */
  iceServers: RTCIceServer[]
  /** Cancel an unanswered outbound call after this many milliseconds. */
  ringTimeoutMs: number
  /**
   * How long an answered call is kept while the WebSocket is lost (ms; default 30 000). Within
   * it the phone reconnects, REGISTERs and re-INVITEs the call onto the new connection; after
   * it the call ends (`transport-error`) and its BYE goes out once a connection exists.
   */
  callReconnectMs?: number
  /** Log sip.js internals to the console (never credentials). */
  debug?: boolean
  /**
   * How DTMF is sent: `rfc4733` (default) = RTP telephone-events through the browser's
   * RTCDTMFSender, falling back to SIP INFO when the browser has none; `info` = always
   * SIP INFO (application/dtmf-relay), for PBXs that ignore telephone-events.
   */
  dtmfMode?: 'rfc4733' | 'info'
  /** Test only: `relay` = TURN relay candidates only (RTCConfiguration.iceTransportPolicy). Default `all`. */
  iceTransportPolicy?: RTCIceTransportPolicy
}

export interface SipCredentials {
  /** The SIP user / extension, e.g. `1001`. */
  user: string
  password: string
  displayName?: string
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed'

/**
 * Set on `registration` events while the phone reconnects on its own after losing the PBX
 * (see `withReconnect`): `failed` + `reconnect` = waiting `delayMs` before attempt `attempt`;
 * `registering` + `reconnect` = that attempt is under way.
 */
export interface ReconnectInfo {
  attempt: number
  delayMs: number
}

/** A registration failure in words an agent understands. */
export interface RegistrationFailure {
  kind: 'auth' | 'transport' | 'rejected'
  /** The SIP status code, when the PBX answered. */
  statusCode?: number
  /** Readable reason, e.g. "Wrong extension or password." */
  message: string
}

export interface SipPhoneEvents {
  /**
   * Registration state changes. Besides register()/unregister(), `failed` also arrives on its own
   * when a registered phone loses the WebSocket (kind 'transport') or a refresh is refused.
   */
  registration: {
    state: RegistrationState
    failure?: RegistrationFailure
    reconnect?: ReconnectInfo
    /** Who is registered (set on `registered` by the frame phone, so every frame knows the agent). */
    identity?: { user: string, displayName?: string }
  }
  /**
   * The INVITE for an outbound call is on the wire. Always the first event of a call and
   * emitted just before `call()` resolves with the same `callId`.
   */
  callStarted: {
    callId: string
    target: string
    /** The `label` given to `call()`, echoed (a frame that did not dial learns what the call is about). */
    label?: CallLabel
    /** When the phone saw it (epoch ms); set on events replayed to a frame that arrived later. */
    at?: number
  }
  /** A provisional response arrived for the outbound call (180/183). */
  callProgress: { callId: string, statusCode: number, earlyMedia: boolean }
  /** The call was answered (200 OK received and ACKed). */
  callAnswered: { callId: string, at?: number }
  /**
   * The call is over, for whatever reason; emitted exactly once per call whose `callStarted`
   * or `incomingCall` was emitted. (When `call()` rejects, no call events are emitted at all.)
   * Inbound: `missed` when the caller gave up (CANCEL) before we answered, `declined` after decline().
   */
  callEnded: { callId: string, cause: CallEndCause, at?: number }
  /**
   * The WebSocket to the PBX was lost during the answered call: the call is kept (its audio
   * goes on over its own path) while the phone reconnects. Either `callReconnected` or
   * `callEnded` follows.
   */
  callReconnecting: { callId: string }
  /**
   * The call is bound to a new WebSocket again: reconnected, REGISTERed and its in-dialog
   * re-INVITE (RFC 3261 §14, a target refresh) answered 200 over the new connection.
   */
  callReconnected: { callId: string }
  /**
   * An INVITE for the agent is ringing (180 sent). The first event of an inbound call; answer()
   * or decline() it. Not emitted while unavailable (480) or while another call is up (486).
   */
  /**
   * The consultation call of an attended transfer (see `startConsultation`): 'calling' once its
   * INVITE is out, 'ringing' on 180/183, 'answered', and 'ended' (with why: `cause`; the
   * type 'transferred' when completeTransfer() joined it to the caller).
   */
  consultation: {
    callId: string
    target: string
    state: 'calling' | 'ringing' | 'answered' | 'ended'
    cause?: CallEndCause
  }
  incomingCall: {
    callId: string
    /** The caller's user part: `+` and digits when it is a number, else the (cleaned) raw user, e.g. an extension name. */
    fromNumber: string
    /** The SIP display name without control characters, at most 64 characters; `''` when none. */
    displayName: string
    /** When the phone saw it (epoch ms); set on events replayed to a frame that arrived later. */
    at?: number
  }
  /**
   * The call's microphone was muted or unmuted, held or resumed, and the agent's availability
   * changed — by any of the agent's frames (see src/frames/): every frame shows the phone's state,
   * not only the one whose button was pressed. Emitted by the frame phone (`createFramePhone`).
   */
  muted: { muted: boolean }
  held: { held: boolean }
  availability: { available: boolean }
}

/**
 * Application data that travels with an outbound call and comes back on `callStarted` (JSON only,
 * it crosses between frames): what the dialing screen knew that SIP does not carry.
 */
export interface CallLabel {
  /** The number as the agent saw it, e.g. `+44 20 7946 0700`. */
  display?: string
  /** The HubSpot record dialed (HubSpot's `hs_call_callee_object_id` / `_type`). */
  callee?: { objectId: number, objectType: string }
  /** Who asked for the call: HubSpot (`onDialNumber`, when HubSpot may be opening its calling window) or the agent's dialpad. */
  requestedBy?: 'hubspot' | 'agent'
}

export type SipEventName = keyof SipPhoneEvents
export type SipEventHandler<K extends SipEventName> = (payload: SipPhoneEvents[K]) => void

/**
 * The softphone's view of SIP: intent-named, one call at a time.
 * The implementation (`createSipPhone`) is the only code that imports sip.js.
 */
export interface SipPhone {
  /** Connect the WebSocket and REGISTER. Resolves once registered, rejects with a `RegistrationError`. */
  register: (credentials: SipCredentials) => Promise<void>
  /** Un-REGISTER and disconnect. Never rejects. */
  unregister: () => Promise<void>
  /**
   * Send an INVITE to `sip:<target>@<domain>`. `target` must be `+` and digits only,
   * anything else throws before anything is sent. Resolves with the SIP Call-ID once
   * the INVITE is on the wire; the outcome arrives as events.
   * Rejects with a `CallError` (kind 'invalid-target' | 'not-registered' | 'call-in-progress'
   * before anything is sent; 'media' when the microphone/offer failed; 'canceled' when
   * hangup() came before the INVITE was sent).
   */
  call: (target: string, label?: CallLabel) => Promise<{ callId: string }>
  /** CANCEL before answer, BYE after; a ringing inbound call is declined (603). A no-op when there is no call. */
  hangup: () => Promise<void>
  /** Mute/unmute the microphone of the current call (a no-op without a call; each call starts unmuted). */
  setMuted: (muted: boolean) => void
  /** Where the remote audio plays. May be set before, during or after a call; `null` detaches. */
  setRemoteAudioElement: (element: HTMLAudioElement | null) => void
  /**
   * Put the answered call on hold (re-INVITE with a=sendonly) or resume it. Resolves once the
   * PBX accepted the re-INVITE; rejects with a `CallError` ('no-call' | 'rejected' | 'media').
   */
  hold: (held: boolean) => Promise<void>
  /**
   * Send DTMF digits (`0-9`, `A-D`, `*`, `#`) on the answered call: RFC 4733 telephone-events
   * when the browser can, SIP INFO (application/dtmf-relay) otherwise.
   */
  sendDtmf: (tones: string) => Promise<void>
  /**
   * Blind transfer (REFER) of the answered call to `+`/digits `target`. Resolves once the
   * PBX reports the transfer done (NOTIFY 2xx, or its BYE after the 202); the call then ends
   * with cause `transferred`. Rejects with a `CallError` ('rejected') when the PBX refuses it
   * (the call goes on).
   */
  transfer: (target: string) => Promise<void>
  /**
   * Answer the ringing inbound call (200 OK with our SDP); `callAnswered` follows. Rejects with
   * a `CallError` ('no-call' when nothing rings; 'media' when the microphone/answer failed,
   * the call then ends with a media-error).
   */
  answer: () => Promise<void>
  /** Refuse the ringing inbound call (default 603 Decline); it ends with cause `declined`. A no-op without one. */
  decline: (statusCode?: 480 | 486 | 603) => Promise<void>
  /** false = Do not disturb: INVITEs are answered 480 Temporarily Unavailable and never emitted. */
  setAvailable: (available: boolean) => void

  // ---- in-call controls (attended transfer, devices, statistics) ----------------
  /**
   * Attended transfer, step 1: put the answered call on hold (if it is not already) and call
   * `target` (`+`/digits) on a second dialog. Its progress arrives as `consultation` events.
   * Rejects with a `CallError` ('invalid-target' | 'no-call' | 'call-in-progress' when a
   * consultation is already up | 'media').
   */
  startConsultation: (target: string) => Promise<{ callId: string }>
  /**
   * Attended transfer, step 2: REFER the held caller to the answered consultation call
   * (Refer-To with Replaces). Resolves once the PBX reports the transfer done (NOTIFY 2xx);
   * both calls then end, the main one with cause `transferred` (attended). Rejects with a
   * `CallError` ('no-call' without an answered consultation | 'rejected'); both calls stay.
   */
  completeTransfer: () => Promise<void>
  /** Attended transfer, go back: end the consultation call (CANCEL/BYE). The main call stays held. */
  cancelConsultation: () => Promise<void>
  /**
   * The microphone to use (`deviceId` from enumerateDevices; `null` = the system default):
   * for the next calls and, during a call, swapped into it at once (mute/hold kept).
   * Rejects with a `CallError` ('media') when the device cannot be opened; the call keeps the old one.
   */
  setInputDevice: (deviceId: string | null) => Promise<void>
  /** Cumulative RTP statistics of the answered call's audio, or `null` without one. */
  sampleStats: () => Promise<StatsSnapshot | null>
  on: <K extends SipEventName>(event: K, handler: SipEventHandler<K>) => () => void
  /** Hang up, unregister, close the WebSocket and drop every listener. */
  dispose: () => Promise<void>
}

export class RegistrationError extends Error {
  constructor(readonly failure: RegistrationFailure) {
    super(failure.message)
    this.name = 'RegistrationError'
  }
}

export type CallErrorKind =
  /** The number is not `+` and 1–32 digits (or the DTMF tones are not 0-9, A-D, *, #). */
  | 'invalid-target'
  | 'not-registered'
  | 'call-in-progress'
  /** hold/sendDtmf/transfer without an answered call. */
  | 'no-call'
  /** hangup() arrived before the INVITE was sent. */
  | 'canceled'
  /** getUserMedia, the SDP offer or a re-INVITE's SDP failed. */
  | 'media'
  /** The PBX answered a re-INVITE/REFER with a failure. */
  | 'rejected'

/** Why a call action failed, in words an agent understands (`message`). */
export class CallError extends Error {
  constructor(readonly kind: CallErrorKind, message: string) {
    super(message)
    this.name = 'CallError'
  }
}
