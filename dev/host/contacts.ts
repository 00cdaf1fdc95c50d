/**
 * The test contacts of the simulated HubSpot portal and the DIAL_NUMBER payload
 * HubSpot sends for them (field names and types as in HubSpot's SDK doc,
 * `onDialNumber`). The numbers are the local test PBX's scenarios (pbx/).
 */

/** The simulated portal and user; also sent in SYNC, as real HubSpot does. */
export const PORTAL = {
  portalId: 123456,
  userId: 7001,
  ownerId: 8001,
} as const

export interface TestContact {
  /** Button label: "Call <name>". */
  name: string
  phoneNumber: string
  /** HubSpot record id of the contact (objectId / calleeId). */
  contactId: number
  description: string
}

export const TEST_CONTACTS: readonly TestContact[] = [
  { name: 'Echo', phoneNumber: '+44 20 7946 0600', contactId: 9001, description: 'Answers and echoes your audio' },
  { name: 'Message', phoneNumber: '+44 20 7946 0601', contactId: 9002, description: 'Answers, plays a message, hangs up' },
  { name: 'Busy', phoneNumber: '+44 20 7946 0602', contactId: 9003, description: '486 Busy Here' },
  { name: 'No answer', phoneNumber: '+44 20 7946 0603', contactId: 9004, description: 'Rings until the ring timeout' },
  { name: 'Decline', phoneNumber: '+44 20 7946 0604', contactId: 9005, description: 'Rings, then 603 Decline' },
  { name: 'Unavailable', phoneNumber: '+44 20 7946 0605', contactId: 9006, description: '480 Temporarily Unavailable' },
  { name: 'Unknown', phoneNumber: '+44 20 7946 0606', contactId: 9007, description: '404 Not Found' },
  { name: 'DTMF', phoneNumber: '+44 20 7946 0607', contactId: 9008, description: 'Answers and reads back your keypresses' },
  { name: 'Agent 1002', phoneNumber: '1002', contactId: 9009, description: 'The second test extension' },
  { name: 'Invalid', phoneNumber: 'not a number', contactId: 9010, description: 'A phone property with garbage in it' },
]

/** Record id used for numbers typed in "Number to dial" (no contact record). */
export const FREE_TEXT_CONTACT_ID = 9999

/** What HubSpot's `onDialNumber` receives. */
export interface DialNumberPayload {
  phoneNumber: string
  ownerId: number
  subjectId: number
  objectId: number
  objectType: 'CONTACT'
  portalId: number
  countryCode: string
  calleeInfo: { calleeId: number, calleeObjectTypeId: '0-1' }
  startTimestamp: number
  toPhoneNumberSrc: string
}

export function dialNumberPayload(phoneNumber: string, contactId: number, now: number): DialNumberPayload {
  return {
    phoneNumber,
    ownerId: PORTAL.ownerId,
    subjectId: contactId,
    objectId: contactId,
    objectType: 'CONTACT',
    portalId: PORTAL.portalId,
    countryCode: 'GB',
    calleeInfo: { calleeId: contactId, calleeObjectTypeId: '0-1' },
    startTimestamp: now,
    toPhoneNumberSrc: 'phone',
  }
}

export function contactForNumber(phoneNumber: string): TestContact | undefined {
  return TEST_CONTACTS.find(c => c.phoneNumber === phoneNumber)
}

/**
 * Records HubSpot finds for inbound callers (caller-id match): the simulator's caller
 * 1006 ("Ada Lovelace") is a contact whose phone is that extension, and the company
 * Acme Ltd has the number +44 20 7946 0700. Anything else (caller 1007) matches nothing.
 */
export const INBOUND_RECORDS = [
  { kind: 'CONTACT', phoneNumber: '1006', objectId: 9101, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' },
  { kind: 'COMPANY', phoneNumber: '+442079460700', objectId: 9201, name: 'Acme Ltd' },
] as const

const digits = (n: string): string => n.replace(/[^\d]/g, '')

/** The SDK's `{ callerIdMatches }` entries (ContactIdMatch / CompanyIdMatch) for a caller's number. */
export function callerIdMatchesFor(fromNumber: string): unknown[] {
  return INBOUND_RECORDS.filter(r => digits(r.phoneNumber) === digits(fromNumber) && digits(fromNumber) !== '').map((r) => {
    const objectCoordinates = { portalId: PORTAL.portalId, objectId: r.objectId, objectTypeId: r.kind === 'CONTACT' ? '0-1' : '0-2' }
    return r.kind === 'CONTACT'
      ? { callerIdType: 'CONTACT', objectCoordinates, firstName: r.firstName, lastName: r.lastName, email: r.email }
      : { callerIdType: 'COMPANY', objectCoordinates, name: r.name }
  })
}

/** Whether NAVIGATE_TO_RECORD points at a record the simulated portal has. */
export function recordExists(objectTypeId: '0-1' | '0-2', objectId: number): boolean {
  return INBOUND_RECORDS.some(r => r.objectId === objectId && (r.kind === 'CONTACT') === (objectTypeId === '0-1'))
    || (objectTypeId === '0-1' && TEST_CONTACTS.some(c => c.contactId === objectId))
}
