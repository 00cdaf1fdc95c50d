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
  /** Log sip.js internals to the console (never credentials). */
  debug?: boolean
}

export interface SipCredentials {
  /** The SIP user / extension, e.g. `1001`. */
  user: string
  password: string
  displayName?: string
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed'

/** A registration failure in words an agent understands. */
export interface RegistrationFailure {
  kind: 'auth' | 'transport' | 'rejected'
  /** The SIP status code, when the PBX answered. */
  statusCode?: number
  /** Readable reason, e.g. "Wrong extension or password." */
  message: string
}

export interface SipPhoneEvents {
  registration: { state: RegistrationState, failure?: RegistrationFailure }
  /** A provisional response arrived for the outbound call (180/183). */
  callProgress: { callId: string, statusCode: number, earlyMedia: boolean }
  /** The call was answered (200 OK received and ACKed). */
  callAnswered: { callId: string }
  /** The call is over, for whatever reason; emitted exactly once per call. */
  callEnded: { callId: string, cause: CallEndCause }
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
   */
  call: (target: string) => Promise<{ callId: string }>
  /** CANCEL before answer, BYE after. A no-op when there is no call. */
  hangup: () => Promise<void>
  setMuted: (muted: boolean) => void
  /** Where the remote audio plays. */
  setRemoteAudioElement: (element: HTMLAudioElement | null) => void
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
