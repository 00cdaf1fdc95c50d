/**
 * Pure validators that turn what HubSpot posts (typed `any` by the SDK, so
 * `unknown` here) into the typed payloads of `HubSpotEvents`.
 *
 * No SDK import here: these functions only see plain data, so they can be
 * tested without a window. Rules of thumb:
 * - never throw; a malformed optional field is dropped, a malformed required
 *   field turns the event into its failure form;
 * - ids are positive safe integers (HubSpot sends numbers; `ownerId` may be a
 *   string or a number per the SDK doc);
 * - strings are bounded so a hostile or buggy host can't flood the UI.
 */
import { t } from '@/i18n'
import type { CallCallee, CallerIdMatch, DialRequest, HubSpotEvents, ObjectCoordinates, ReadyInfo, VisibilityInfo } from './types'

/** Longest string we accept from HubSpot for a phone number or a short field. */
export const MAX_FIELD_LENGTH = 256
/** Longest error message we pass on from HubSpot. */
export const MAX_MESSAGE_LENGTH = 500

type UnknownRecord = Record<string, unknown>

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** A positive safe integer (rejects 0, negatives, floats, NaN, Infinity, numeric strings). */
export function isPositiveId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_LENGTH
}

/** HubSpot documents `ownerId` as "String or Number". */
function isOwnerId(value: unknown): value is number | string {
  return isPositiveId(value) || (isShortString(value) && value.trim().length > 0)
}

function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function isIframeLocation(value: unknown): value is NonNullable<ReadyInfo['iframeLocation']> {
  return value === 'widget' || value === 'remote' || value === 'window'
}

/** `onReady` (the SYNC payload): keep only well-typed known fields, never fails. */
export function parseReady(data: unknown): ReadyInfo {
  const info: ReadyInfo = {}
  if (!isRecord(data)) return info
  if (isPositiveId(data.engagementId)) info.engagementId = data.engagementId
  if (isPositiveId(data.portalId)) info.portalId = data.portalId
  if (isPositiveId(data.userId)) info.userId = data.userId
  if (isOwnerId(data.ownerId)) info.ownerId = data.ownerId
  if (isIframeLocation(data.iframeLocation)) info.iframeLocation = data.iframeLocation
  if (typeof data.usesCallingWindow === 'boolean') info.usesCallingWindow = data.usesCallingWindow
  return info
}

function parseCalleeInfo(value: unknown): DialRequest['calleeInfo'] | undefined {
  if (!isRecord(value)) return undefined
  const callee: NonNullable<DialRequest['calleeInfo']> = {}
  if (isPositiveId(value.calleeId)) callee.calleeId = value.calleeId
  if (isShortString(value.calleeObjectTypeId)) callee.calleeObjectTypeId = value.calleeObjectTypeId
  return Object.keys(callee).length > 0 ? callee : undefined
}

/**
 * `onDialNumber`: `{ request }` when `phoneNumber` is a usable string (trimmed,
 * 1..256 chars), else `{ invalid }` with a sentence a user can read.
 * The number is not normalised here (that is the dialer's job), only bounded.
 */
export function parseDialNumber(data: unknown): HubSpotEvents['dialNumber'] {
  if (!isRecord(data)) {
    return { invalid: `HubSpot sent a dial request that is not an object (got ${describe(data)}).` }
  }
  const raw = data.phoneNumber
  if (raw === undefined) return { invalid: 'HubSpot sent a dial request without a phone number.' }
  if (typeof raw !== 'string') {
    return { invalid: `HubSpot sent a phone number that is not text (got ${describe(raw)}).` }
  }
  const phoneNumber = raw.trim()
  if (phoneNumber.length === 0) return { invalid: 'HubSpot sent an empty phone number.' }
  if (phoneNumber.length > MAX_FIELD_LENGTH) {
    return { invalid: `HubSpot sent a phone number longer than ${MAX_FIELD_LENGTH} characters.` }
  }

  const request: DialRequest = { phoneNumber }
  if (isShortString(data.countryCode)) request.countryCode = data.countryCode
  if (isPositiveId(data.objectId)) request.objectId = data.objectId
  if (data.objectType === 'CONTACT' || data.objectType === 'COMPANY') request.objectType = data.objectType
  if (isOwnerId(data.ownerId)) request.ownerId = data.ownerId
  if (isPositiveId(data.portalId)) request.portalId = data.portalId
  if (isPositiveId(data.subjectId)) request.subjectId = data.subjectId
  if (isTimestamp(data.startTimestamp)) request.startTimestamp = data.startTimestamp
  if (isShortString(data.toPhoneNumberSrc)) request.toPhoneNumberSrc = data.toPhoneNumberSrc
  const calleeInfo = parseCalleeInfo(data.calleeInfo)
  if (calleeInfo) request.calleeInfo = calleeInfo
  const callee = dialCallee(request)
  if (callee) request.callee = callee
  return { request }
}

/** HubSpot object type ids (`0-1` contact, `0-2` company, `2-…` custom objects). */
const OBJECT_TYPE_ID = /^[0-9]{1,4}-[0-9]{1,12}$/

/** `hs_call_callee_object_type` names the two standard types; any other type goes by its id. */
function calleeObjectType(objectTypeId: string): string {
  if (objectTypeId === '0-1') return 'CONTACT'
  if (objectTypeId === '0-2') return 'COMPANY'
  return objectTypeId
}

/**
 * The record a dial request is for, for the engagement's `hs_call_callee_object_id` /
 * `hs_call_callee_object_type` (the SDK's `RawEngagementProperties`: "the recipient of the call
 * for OUTBOUND calls").
 *
 * `calleeInfo` is the callee: `objectId` can be 0, missing or the record being *viewed*
 * rather than the one dialed (calling-extensions-sdk issues 207, 216, 228, 232). So:
 * `calleeInfo.calleeId` with its `calleeObjectTypeId`; a `calleeId` without a usable type takes
 * `objectType` when `objectId` names the same record; without a `calleeId`, `objectId` +
 * `objectType` (the SDK doc's older fields); otherwise none (HubSpot then files the call by itself).
 */
export function dialCallee(request: DialRequest): CallCallee | undefined {
  const { calleeInfo, objectId, objectType } = request
  const calleeId = calleeInfo?.calleeId
  const typeId = calleeInfo?.calleeObjectTypeId
  if (calleeId !== undefined) {
    if (typeId !== undefined && OBJECT_TYPE_ID.test(typeId))
      return { objectId: calleeId, objectType: calleeObjectType(typeId) }
    if (objectType !== undefined && objectId === calleeId)
      return { objectId: calleeId, objectType }
    return undefined
  }
  if (objectId !== undefined && objectType !== undefined)
    return { objectId, objectType }
  return undefined
}

/**
 * `onCreateEngagementSucceeded` / deprecated `onEngagementCreated`: an engagement
 * without a usable id is as good as a failure (we could not update it later).
 */
export function parseEngagementCreated(
  data: unknown,
): { ok: true, payload: HubSpotEvents['engagementCreated'] } | { ok: false, payload: HubSpotEvents['engagementCreateFailed'] } {
  const engagementId = isRecord(data) ? data.engagementId : undefined
  const call = parseExternalCallId(data)
  if (isPositiveId(engagementId)) return { ok: true, payload: { engagementId, ...call } }
  return {
    ok: false,
    payload: { message: t('hubspot.noEngagementId', { got: describe(engagementId) }), ...call },
  }
}

/** The SIP Call-ID HubSpot names in an engagement answer, when it is a plausible one (RFC 3261 §8.1.1.4 word, ≤ 256 chars). */
export function parseExternalCallId(data: unknown): { externalCallId?: string } {
  const id = isRecord(data) ? data.externalCallId : undefined
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && /^[\w.!%*+`'~()<>:\\"/[\]?{}@-]+$/.test(id) ? { externalCallId: id } : {}
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text
}

/**
 * The failure payloads are not documented: take `message`, `error.message`,
 * `error` (string) or `reason`, in that order, else the fallback.
 */
export function parseFailureMessage(data: unknown, fallback: string): { message: string } {
  if (isRecord(data)) {
    const candidates: unknown[] = [
      data.message,
      isRecord(data.error) ? data.error.message : data.error,
      data.reason,
    ]
    for (const candidate of candidates) {
      if (typeof candidate === 'string' && candidate.trim().length > 0) return { message: truncate(candidate.trim()) }
    }
  }
  return { message: fallback }
}

export const CREATE_FAILED_FALLBACK = 'HubSpot could not create the call engagement.'
export const UPDATE_FAILED_FALLBACK = 'HubSpot could not update the call engagement.'

/** `onUpdateEngagementSucceeded`: the id is informative only, dropped when malformed. */
export function parseEngagementUpdated(data: unknown): HubSpotEvents['engagementUpdated'] {
  if (isRecord(data) && isPositiveId(data.engagementId)) return { engagementId: data.engagementId }
  return {}
}

/**
 * `onVisibilityChanged`: `null` when the payload carries no boolean at all
 * (nothing to act on); a missing or non-boolean flag reads as `false`.
 */
export function parseVisibility(data: unknown): VisibilityInfo | null {
  if (!isRecord(data)) return null
  const { isMinimized, isHidden } = data
  if (typeof isMinimized !== 'boolean' && typeof isHidden !== 'boolean') return null
  return { isMinimized: isMinimized === true, isHidden: isHidden === true }
}

/** `ObjectCoordinates` of a contact (0-1) or company (0-2) record; `null` when unusable. */
export function parseObjectCoordinates(value: unknown): ObjectCoordinates | null {
  if (!isRecord(value)) return null
  const { portalId, objectId, objectTypeId } = value
  if (!isPositiveId(portalId) || !isPositiveId(objectId)) return null
  if (objectTypeId !== '0-1' && objectTypeId !== '0-2') return null
  return { portalId, objectId, objectTypeId }
}

/** Caller-id text (names, email) is shown in one line: no control characters, bounded. */
function nameField(value: unknown): string {
  if (typeof value !== 'string') return ''
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > MAX_NAME_LENGTH ? `${clean.slice(0, MAX_NAME_LENGTH - 1)}…` : clean
}

/** Longest caller-id name we show. */
export const MAX_NAME_LENGTH = 64

function parseCallerIdMatch(value: unknown): CallerIdMatch | null {
  if (!isRecord(value)) return null
  const objectCoordinates = parseObjectCoordinates(value.objectCoordinates)
  if (!objectCoordinates) return null
  if (value.callerIdType === 'CONTACT') {
    const firstName = nameField(value.firstName)
    const lastName = nameField(value.lastName)
    const email = nameField(value.email)
    if (firstName === '' && lastName === '' && email === '') return null
    return { callerIdType: 'CONTACT', objectCoordinates, firstName, lastName, email }
  }
  if (value.callerIdType === 'COMPANY') {
    const name = nameField(value.name)
    return name === '' ? null : { callerIdType: 'COMPANY', objectCoordinates, name }
  }
  return null
}

/**
 * `onCallerIdMatchSucceeded` (`{ callerIdMatches: (ContactIdMatch | CompanyIdMatch)[] }`):
 * the usable matches, or the failure form when none is usable (malformed entries are dropped).
 */
export function parseCallerIdMatches(
  data: unknown,
): { ok: true, payload: HubSpotEvents['callerIdMatchSucceeded'] } | { ok: false, payload: HubSpotEvents['callerIdMatchFailed'] } {
  const list = isRecord(data) ? data.callerIdMatches : undefined
  if (!Array.isArray(list)) {
    return { ok: false, payload: { message: t('hubspot.noMatchList', { got: describe(list) }) } }
  }
  const matches = list.slice(0, 20).map(parseCallerIdMatch).filter((m): m is CallerIdMatch => m !== null)
  if (matches.length === 0) return { ok: false, payload: { message: t('hubspot.noUsableMatch') } }
  return { ok: true, payload: { matches } }
}

export const CALLER_ID_FAILED_FALLBACK = 'No HubSpot record has this number.'
export const NAVIGATE_FAILED_FALLBACK = 'HubSpot could not open the record.'

/** The one-line name of a caller-id match, for the ringing screen. */
export function callerIdMatchName(match: CallerIdMatch): string {
  if (match.callerIdType === 'COMPANY') return match.name
  const name = `${match.firstName} ${match.lastName}`.trim()
  return name === '' ? match.email : name
}
