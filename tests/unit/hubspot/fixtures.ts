/** An onDialNumber payload with every field HubSpot's SDK doc lists, as HubSpot sends it. */
export const DOCUMENTED_DIAL_PAYLOAD = {
  phoneNumber: '+44 20 7946 0600',
  ownerId: 11,
  subjectId: 21,
  objectId: 31,
  objectType: 'CONTACT',
  portalId: 123,
  countryCode: 'GB',
  calleeInfo: { calleeId: 31, calleeObjectTypeId: '0-1' },
  startTimestamp: 1_700_000_000_000,
  toPhoneNumberSrc: 'phone',
} as const
