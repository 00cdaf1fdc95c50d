/**
 * What the adapter's modules share: the state of the one registration, the one call and the
 * attended-transfer consultation, plus configuration, logger and event delivery. Each module
 * (registration, outbound, inbound, in-call controls, transfer, devices) works on this one
 * object so they all see the same current call, and none of them owns another's state.
 */
import type { Invitation, Inviter, Registerer, UserAgent } from 'sip.js'
import type { CallEndCause } from '@/domain/types'
import type { AdapterLogger } from './logging'
import type { ObservedSdh } from './media'
import type { RegistrationFailure, RegistrationState, SipEventName, SipPhoneEvents, SipPhoneOptions } from './types'

export interface Registration {
  readonly ua: UserAgent
  registerer?: Registerer
  state: RegistrationState
  /** True once unregister()/dispose()/re-register began tearing this UA down. */
  stopping: boolean
  /** Settles the pending register() promise, if any. */
  settle?: (failure?: RegistrationFailure) => void
}

/** The SIP status of a final (≥ 300) response to our INVITE. */
export interface FinalResponse {
  statusCode: number
  reasonPhrase: string
}

export interface ActiveCall {
  readonly callId: string
  readonly target: string
  /** The sip.js session: an Inviter for outbound calls, an Invitation for inbound ones. */
  readonly inviter: Inviter | Invitation
  readonly inbound: boolean
  /** Inbound: the caller sent CANCEL before the call was confirmed (also one that crossed our 200 OK). */
  callerCanceled: boolean
  /** Inbound: why, from the CANCEL's Reason header (RFC 3326): another phone answered, or the caller gave up. */
  cancelReason?: 'answered-elsewhere' | 'caller'
  /** Inbound: our 200 OK went out; `answered` waits for the ACK that confirms the dialog (RFC 3261 §13.3.1.4). */
  accepted?: boolean
  readonly registration: Registration
  /** callStarted was emitted: call events go out (until then they are held back). */
  started: boolean
  answered: boolean
  ended: boolean
  muted: boolean
  held: boolean
  transferred: boolean
  earlyMedia: boolean
  /** Decided by us before we act (cancel, bye, timeout, transport, media). */
  localCause?: CallEndCause
  finalResponse?: FinalResponse
  negotiationError?: string
  sdh?: ObservedSdh
  ringTimer?: ReturnType<typeof setTimeout>
  graceTimer?: ReturnType<typeof setTimeout>
  backlog: Array<() => void>
  attachedStream?: MediaStream
  attachedTrackIds?: string
  /** Set once the PBX accepted our REFER (202): a hang-up from now on is the transfer completing. */
  transfer?: { target: string, attended: boolean }
  /** Settles a pending transfer()/completeTransfer() when the call ends first. */
  transferWaiter?: (ended: boolean) => void
  /** SIP INFO DTMF goes out one tone at a time, in order. */
  infoQueue?: Promise<void>
  /** The WebSocket was lost while the call was up and the call is kept while it reconnects (callRecovery). */
  reconnecting: boolean
  /**
   * The call ended while there was no connection: its BYE goes out once there is one again
   * (callRecovery), so the session is kept (media closed) until then.
   */
  byeOwed: boolean
  /** An ICE-restart re-INVITE is under way (iceRestart). */
  iceRestarting: boolean
  /** ICE restarts since ICE was last connected. */
  iceRestarts: number
}

/** A fresh call: not answered, not ended, unmuted, off hold. */
export function newActiveCall(init: Pick<ActiveCall, 'callId' | 'target' | 'inviter' | 'inbound' | 'registration' | 'started'>): ActiveCall {
  return {
    ...init,
    callerCanceled: false,
    answered: false,
    ended: false,
    muted: false,
    held: false,
    transferred: false,
    earlyMedia: false,
    backlog: [],
    reconnecting: false,
    byeOwed: false,
    iceRestarting: false,
    iceRestarts: 0,
  }
}

/** The second call of an attended transfer, to the transfer target. */
export interface Consultation {
  readonly callId: string
  readonly target: string
  readonly inviter: Inviter
  /** The held call it may be joined to. */
  readonly main: ActiveCall
  answered: boolean
  ended: boolean
  localCause?: CallEndCause
  finalResponse?: FinalResponse
  sdh?: ObservedSdh
  graceTimer?: ReturnType<typeof setTimeout>
  attachedStream?: MediaStream
  attachedTrackIds?: string
}

/** Whatever owns a peer connection whose audio the agent may hear. */
export interface AudioOwner {
  readonly ended: boolean
  readonly sdh?: ObservedSdh
  attachedStream?: MediaStream
  attachedTrackIds?: string
}

export interface PhoneContext {
  readonly options: SipPhoneOptions
  readonly log: AdapterLogger
  readonly emit: <K extends SipEventName>(event: K, payload: SipPhoneEvents[K]) => void
  /** How long to wait for a 487/200 after CANCEL/BYE before ending a call anyway (ms). */
  readonly cancelGraceMs: number
  /** How long unregister()/dispose() wait for the PBX before disconnecting anyway (ms). */
  readonly unregisterGraceMs: number
  /** How long to wait before trying a re-INVITE again after 491 (RFC 3261 §14.1; `ownsCallId`: we sent the INVITE). */
  readonly glareDelayMs: (ownsCallId: boolean) => number
  /** Removes secrets from log lines; replaced at each register() (the new password). */
  redact: (text: string) => string
  registration?: Registration
  /** Bumped by each register()/unregister(): an older sign-in that is still running gives up. */
  generation: number
  current?: ActiveCall
  /** The consultation call of an attended transfer in progress. */
  consult?: Consultation
  /** False = Do not disturb: new INVITEs are refused with 480 and no event is emitted. */
  available: boolean
  /** The agent's microphone (`null` = the browser's default). */
  inputDeviceId: string | null
  audioElement: HTMLAudioElement | null
  disposed: boolean
}

/** getUserMedia constraints for a new call's microphone. */
export function audioConstraints(ctx: PhoneContext): MediaStreamConstraints {
  return { audio: ctx.inputDeviceId ? { deviceId: { ideal: ctx.inputDeviceId } } : true, video: false }
}
