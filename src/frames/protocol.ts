/**
 * The messages our frames exchange over their `BroadcastChannel` (see `channel.ts`): typed,
 * versioned, and parsed like HubSpot's payloads, so a frame of an older or newer build never
 * crashes this one — a message it cannot read is dropped, nothing else.
 *
 * Every message carries `v` (FRAME_PROTOCOL_VERSION) and `from` (the sending frame's id);
 * `to` names the one frame a message is meant for (the channel itself is a broadcast).
 */
import type { SipEventName } from '@/sip/types'
import { SIP_EVENT_NAMES } from '@/sip/events'
import type { SealedBox } from './sealedBox'

/** Bumped when a message changes shape; frames of another version ignore each other's messages. */
export const FRAME_PROTOCOL_VERSION = 1

/** Where HubSpot shows a frame (SYNC's `iframeLocation`); `unknown` before HubSpot's SYNC. */
export type FrameLocation = 'widget' | 'remote' | 'window' | 'unknown'

/** The `SipPhone` methods a frame may ask the owner to run (every method but `on`/`dispose`). */
export const PHONE_METHODS = [
  'register', 'unregister', 'call', 'hangup', 'setMuted', 'hold', 'sendDtmf', 'transfer', 'answer',
  'decline', 'setAvailable', 'startConsultation', 'completeTransfer', 'cancelConsultation', 'sampleStats',
  'setInputDevice',
] as const
export type PhoneMethod = typeof PHONE_METHODS[number]

/** A failure carried back to the frame that asked (rebuilt into RegistrationError / CallError there). */
export interface WireError {
  name: string
  message: string
  /** CallError's kind. */
  kind?: string
  /** RegistrationError's failure. */
  failure?: { kind: string, statusCode?: number, message: string }
}

/** One SIP event as the owner's phone emitted it, with when (epoch ms) and who reports the call to HubSpot. */
export interface PhoneEventRecord {
  event: SipEventName
  payload: unknown
  at: number
}

export type FrameMessage =
  /** A frame is here (on load, and when it learned its location); the owner answers with `owner` and `snapshot`. */
  | { type: 'hello', location: FrameLocation, publicKey: JsonWebKey }
  /** A frame is going away (pagehide). */
  | { type: 'bye' }
  /**
   * The phone's owner: who it is, where, its public key (to seal credentials for it), whether it is
   * idle, and who reports each recent call to HubSpot ([SIP Call-ID, frame id]; a call whose reporter's
   * frame went away is reported by the owner from then on).
   */
  | { type: 'owner', location: FrameLocation, publicKey: JsonWebKey, idle: boolean, reporters?: Array<[string, string]> }
  /** The calling window asks the owner to hand the phone over once it is idle. */
  | { type: 'handover-request', publicKey: JsonWebKey }
  /** The owner has stopped its phone for `to`, which takes it now (`credentials` sealed for it, when signed in). */
  | { type: 'handover-ready', to: string, credentials?: SealedBox }
  /** Run a phone method on the owner. `args` as the method takes them (credentials sealed). */
  | { type: 'command', id: string, to: string, method: PhoneMethod, args: unknown[] }
  | { type: 'result', id: string, to: string, ok: true, value: unknown }
  | { type: 'result', id: string, to: string, ok: false, error: WireError }
  /** A SIP event of the owner's phone; `reporter` = the frame that tells HubSpot about this call. */
  | { type: 'event', record: PhoneEventRecord, reporter?: string }
  /** For a frame that just arrived: the registration and the current call so far, oldest first. */
  | { type: 'snapshot', to: string, records: PhoneEventRecord[], reporter?: string }
  /** The owner keeps a sealed copy of the credentials with one standby frame, to take over without the agent. */
  | { type: 'standby', to: string, credentials: SealedBox }
  /** A new owner asks the standby for the credentials (sealed for `publicKey`). */
  | { type: 'credentials-request', publicKey: JsonWebKey }
  | { type: 'credentials', to: string, credentials: SealedBox }
  /** A HubSpot call message for the call's reporter to send to its HubSpot (sent once per call). */
  | { type: 'hubspot-send', to: string, method: string, payload: unknown }
  /** HubSpot's answer about a call, received by the reporter, for every frame. */
  | { type: 'hubspot-answer', event: string, payload: unknown }
  /** Shared memory storage (when the browser denies storage to our frames): one write, or everything. */
  | { type: 'storage-set', key: string, value: string | null, old: string | null }
  | { type: 'storage-request' }
  | { type: 'storage-snapshot', to: string, entries: Array<[string, string]> }
  /** Election without Web Locks: the owner's heartbeat, and a frame's claim. */
  | { type: 'lease', priority: number }
  | { type: 'claim', priority: number }

export type FrameEnvelope = FrameMessage & { v: number, from: string }

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const isString = (value: unknown): value is string => typeof value === 'string'
const LOCATIONS: readonly FrameLocation[] = ['widget', 'remote', 'window', 'unknown']
const isLocation = (value: unknown): value is FrameLocation => LOCATIONS.includes(value as FrameLocation)
const isKey = (value: unknown): value is JsonWebKey => isObject(value) && isString(value.kty)
const isBox = (value: unknown): value is SealedBox =>
  isObject(value) && isKey(value.publicKey) && isString(value.iv) && isString(value.data)
const isRecord = (value: unknown): value is PhoneEventRecord =>
  isObject(value) && SIP_EVENT_NAMES.includes(value.event as SipEventName) && typeof value.at === 'number' && 'payload' in value
const isPairs = (value: unknown): value is Array<[string, string]> =>
  Array.isArray(value) && value.every(e => Array.isArray(e) && e.length === 2 && isString(e[0]) && isString(e[1]))
const optionalString = (value: unknown): boolean => value === undefined || isString(value)

/**
 * `data` as a message of this protocol version, or `null` (another version, another app's
 * message, or a shape this build does not know): the caller ignores it.
 */
export function parseFrameMessage(data: unknown): FrameEnvelope | null {
  if (!isObject(data) || data.v !== FRAME_PROTOCOL_VERSION || !isString(data.from) || !isString(data.type))
    return null
  const m = data
  const ok = ((): boolean => {
    switch (m.type) {
      case 'hello': return isLocation(m.location) && isKey(m.publicKey)
      case 'bye': case 'storage-request': return true
      case 'owner': return isLocation(m.location) && isKey(m.publicKey) && typeof m.idle === 'boolean' && (m.reporters === undefined || isPairs(m.reporters))
      case 'handover-request': case 'credentials-request': return isKey(m.publicKey)
      case 'handover-ready': return isString(m.to) && (m.credentials === undefined || isBox(m.credentials))
      case 'command': return isString(m.id) && isString(m.to) && PHONE_METHODS.includes(m.method as PhoneMethod) && Array.isArray(m.args)
      case 'result': return isString(m.id) && isString(m.to) && (m.ok === true ? 'value' in m : m.ok === false && isObject(m.error) && isString(m.error.message))
      case 'event': return isRecord(m.record) && optionalString(m.reporter)
      case 'snapshot': return isString(m.to) && Array.isArray(m.records) && m.records.every(isRecord) && optionalString(m.reporter)
      case 'standby': case 'credentials': return isString(m.to) && isBox(m.credentials)
      case 'hubspot-send': return isString(m.to) && isString(m.method)
      case 'hubspot-answer': return isString(m.event)
      case 'storage-set': return isString(m.key) && (m.value === null || isString(m.value)) && (m.old === null || isString(m.old))
      case 'storage-snapshot': return isString(m.to) && Array.isArray(m.entries) && m.entries.every(e => Array.isArray(e) && isString(e[0]) && isString(e[1]))
      case 'lease': case 'claim': return typeof m.priority === 'number'
      default: return false
    }
  })()
  return ok ? (m as unknown as FrameEnvelope) : null
}
