import { describe, expect, it } from 'vitest'
import type { CallerIdMatch, ObjectCoordinates } from '@/hubspot/types'
import {
  callerIdMatchName,
  MAX_NAME_LENGTH,
  parseCallerIdMatches,
  parseObjectCoordinates,
  CREATE_FAILED_FALLBACK,
  MAX_FIELD_LENGTH,
  MAX_MESSAGE_LENGTH,
  dialCallee,
  isPositiveId,
  parseDialNumber,
  parseEngagementCreated,
  parseEngagementUpdated,
  parseFailureMessage,
  parseReady,
  parseVisibility,
} from '@/hubspot/parse'
import { DOCUMENTED_DIAL_PAYLOAD } from './fixtures'

const huge = 'x'.repeat(100_000)

describe('isPositiveId', () => {
  it.each<[string, unknown, boolean]>([
    ['a positive integer', 42, true],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, true],
    ['zero', 0, false],
    ['a negative integer', -5, false],
    ['a float', 1.5, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['an unsafe integer', Number.MAX_SAFE_INTEGER + 2, false],
    ['a numeric string', '42', false],
    ['null', null, false],
    ['a bigint', 42n, false],
  ])('%s → %s', (_label, value, expected) => {
    expect(isPositiveId(value)).toBe(expected)
  })
})

describe('parseReady', () => {
  it.each<[string, unknown, unknown]>([
    ['undefined (SET_WIDGET_URL re-ready)', undefined, {}],
    ['null', null, {}],
    ['a string', 'ready', {}],
    ['an array', [1, 2], {}],
    ['an empty object', {}, {}],
    [
      'a full SYNC payload (hostUrl and unknown keys dropped)',
      {
        engagementId: 7, portalId: 123, userId: 9, ownerId: 11, iframeLocation: 'widget',
        usesCallingWindow: false, hostUrl: 'https://app.hubspot.com', messageId: 'x', type: 'SYNC',
      },
      { engagementId: 7, portalId: 123, userId: 9, ownerId: 11, iframeLocation: 'widget', usesCallingWindow: false },
    ],
    ['ownerId as a string', { ownerId: '11' }, { ownerId: '11' }],
    ['ownerId empty or blank', { ownerId: '  ' }, {}],
    ['ownerId huge string', { ownerId: huge }, {}],
    ['unknown iframeLocation', { iframeLocation: 'sidebar' }, {}],
    ['iframeLocation in upper case', { iframeLocation: 'WINDOW' }, {}],
    ['remote and window locations', { iframeLocation: 'remote' }, { iframeLocation: 'remote' }],
    ['ids as strings', { portalId: '123', userId: '9', engagementId: '7' }, {}],
    ['negative, NaN and float ids', { portalId: -1, userId: Number.NaN, engagementId: 2.5 }, {}],
    ['null engagementId (no engagement yet)', { engagementId: null, portalId: 5 }, { portalId: 5 }],
    ['usesCallingWindow as a string', { usesCallingWindow: 'true' }, {}],
  ])('%s', (_label, data, expected) => {
    expect(parseReady(data)).toEqual(expected)
  })
})

describe('parseDialNumber', () => {
  const full = { ...DOCUMENTED_DIAL_PAYLOAD }

  it('keeps every documented field of a well-formed payload', () => {
    expect(parseDialNumber(full)).toEqual({ request: { ...full, callee: { objectId: 31, objectType: 'CONTACT' } } })
  })

  it('keeps only phoneNumber when everything else is malformed', () => {
    expect(parseDialNumber({
      phoneNumber: '1002',
      ownerId: null,
      subjectId: 'x',
      objectId: -3,
      objectType: 'DEAL',
      portalId: 1.5,
      countryCode: 44,
      calleeInfo: 'nope',
      startTimestamp: Number.NaN,
      toPhoneNumberSrc: huge,
      extra: 'ignored',
    })).toEqual({ request: { phoneNumber: '1002' } })
  })

  it.each<[string, unknown, unknown]>([
    ['a COMPANY object type', { phoneNumber: '1002', objectType: 'COMPANY' }, { phoneNumber: '1002', objectType: 'COMPANY' }],
    ['surrounding whitespace trimmed', { phoneNumber: '  1002 \n' }, { phoneNumber: '1002' }],
    ['a partial calleeInfo', { phoneNumber: '1', calleeInfo: { calleeId: 0, calleeObjectTypeId: '0-2' } }, { phoneNumber: '1', calleeInfo: { calleeObjectTypeId: '0-2' } }],
    ['an empty calleeInfo dropped', { phoneNumber: '1', calleeInfo: {} }, { phoneNumber: '1' }],
    ['a not-a-number text is still a request (the dialer judges it)', { phoneNumber: 'not a number' }, { phoneNumber: 'not a number' }],
    ['exactly the maximum length', { phoneNumber: '1'.repeat(MAX_FIELD_LENGTH) }, { phoneNumber: '1'.repeat(MAX_FIELD_LENGTH) }],
    ['a zero startTimestamp', { phoneNumber: '1', startTimestamp: 0 }, { phoneNumber: '1', startTimestamp: 0 }],
  ])('accepts %s', (_label, data, request) => {
    expect(parseDialNumber(data)).toEqual({ request })
  })

  it.each<[string, unknown, RegExp]>([
    ['undefined', undefined, /not an object \(got undefined\)/],
    ['null', null, /not an object \(got null\)/],
    ['a bare string', '+44 20 7946 0600', /not an object \(got string\)/],
    ['an array', ['+44'], /not an object \(got an array\)/],
    ['a missing phoneNumber', { ownerId: 1 }, /without a phone number/],
    ['a numeric phoneNumber', { phoneNumber: 442079460600 }, /not text \(got number\)/],
    ['a null phoneNumber', { phoneNumber: null }, /not text \(got null\)/],
    ['an object phoneNumber', { phoneNumber: { e164: '+44' } }, /not text \(got object\)/],
    ['an empty phoneNumber', { phoneNumber: '' }, /empty phone number/],
    ['a blank phoneNumber', { phoneNumber: '   ' }, /empty phone number/],
    ['a huge phoneNumber', { phoneNumber: huge }, /longer than 256 characters/],
    ['one character over the limit', { phoneNumber: '1'.repeat(MAX_FIELD_LENGTH + 1) }, /longer than 256/],
  ])('rejects %s with a readable reason', (_label, data, reason) => {
    const result = parseDialNumber(data)
    expect(result).toEqual({ invalid: expect.stringMatching(reason) })
    if ('invalid' in result) expect(result.invalid.length).toBeLessThan(200)
  })
})

describe('dialCallee: the record a DIAL_NUMBER is for (hs_call_callee_object_id/_type)', () => {
  it.each<[string, unknown, unknown]>([
    ['calleeInfo for a contact', { calleeInfo: { calleeId: 901, calleeObjectTypeId: '0-1' } }, { objectId: 901, objectType: 'CONTACT' }],
    ['calleeInfo for a company', { calleeInfo: { calleeId: 902, calleeObjectTypeId: '0-2' } }, { objectId: 902, objectType: 'COMPANY' }],
    ['calleeInfo for a custom object', { calleeInfo: { calleeId: 903, calleeObjectTypeId: '2-123456' } }, { objectId: 903, objectType: '2-123456' }],
    ['calleeInfo wins over objectId 0 (SDK issue 207)', { objectId: 0, objectType: 'CONTACT', calleeInfo: { calleeId: 904, calleeObjectTypeId: '0-1' } }, { objectId: 904, objectType: 'CONTACT' }],
    ['calleeInfo wins over the record being viewed (SDK issues 216, 228)', { objectId: 55, objectType: 'COMPANY', calleeInfo: { calleeId: 905, calleeObjectTypeId: '0-1' } }, { objectId: 905, objectType: 'CONTACT' }],
    ['no calleeInfo: objectId and objectType', { objectId: 56, objectType: 'COMPANY' }, { objectId: 56, objectType: 'COMPANY' }],
    ['a calleeId with a junk type and the same objectId', { objectId: 57, objectType: 'CONTACT', calleeInfo: { calleeId: 57, calleeObjectTypeId: 'contact; DROP' } }, { objectId: 57, objectType: 'CONTACT' }],
    ['a calleeId with a junk type and another objectId: unknown', { objectId: 58, objectType: 'CONTACT', calleeInfo: { calleeId: 59, calleeObjectTypeId: '' } }, undefined],
    ['objectId 0 and no calleeInfo: unknown', { objectId: 0, objectType: 'CONTACT' }, undefined],
    ['a calleeId of 0: falls back to objectId', { objectId: 60, objectType: 'CONTACT', calleeInfo: { calleeId: 0, calleeObjectTypeId: '0-1' } }, { objectId: 60, objectType: 'CONTACT' }],
    ['nothing about the record', {}, undefined],
  ])('%s', (_label, fields, expected) => {
    const parsed = parseDialNumber({ phoneNumber: '+442079460600', ...(fields as object) })
    expect('request' in parsed && parsed.request.callee).toEqual(expected ?? undefined)
    if ('request' in parsed)
      expect(dialCallee(parsed.request)).toEqual(expected)
  })
})

describe('parseEngagementCreated', () => {
  it('accepts a positive safe-integer engagementId and the call it names, and keeps nothing else', () => {
    expect(parseEngagementCreated({ engagementId: 555, externalCallId: 'abc', other: 1 }))
      .toEqual({ ok: true, payload: { engagementId: 555, externalCallId: 'abc' } })
  })

  it.each<unknown>([42, '', 'a b', 'x'.repeat(257), '<script>\n', null])('drops an externalCallId that is no SIP Call-ID: %j', (externalCallId) => {
    expect(parseEngagementCreated({ engagementId: 555, externalCallId }))
      .toEqual({ ok: true, payload: { engagementId: 555 } })
  })

  it.each<[string, unknown]>([
    ['undefined data', undefined],
    ['null data', null],
    ['a missing id', {}],
    ['a null id', { engagementId: null }],
    ['a string id', { engagementId: '555' }],
    ['a zero id', { engagementId: 0 }],
    ['a negative id', { engagementId: -555 }],
    ['a float id', { engagementId: 5.5 }],
    ['a NaN id', { engagementId: Number.NaN }],
  ])('turns %s into a failure', (_label, data) => {
    const result = parseEngagementCreated(data)
    expect(result.ok).toBe(false)
    expect(result.payload).toEqual({ message: expect.stringMatching(/no valid engagementId/) })
  })
})

describe('parseEngagementUpdated', () => {
  it.each<[string, unknown, unknown]>([
    ['a valid id', { engagementId: 9 }, { engagementId: 9 }],
    ['no data', undefined, {}],
    ['a string id', { engagementId: '9' }, {}],
  ])('%s', (_label, data, expected) => {
    expect(parseEngagementUpdated(data)).toEqual(expected)
  })
})

describe('parseFailureMessage', () => {
  it.each<[string, unknown, string]>([
    ['message', { message: 'Quota exceeded' }, 'Quota exceeded'],
    ['error.message', { error: { message: 'Forbidden' } }, 'Forbidden'],
    ['error as a string', { error: 'Timeout' }, 'Timeout'],
    ['reason', { reason: 'No scope' }, 'No scope'],
    ['nothing usable', { message: 42, error: null }, CREATE_FAILED_FALLBACK],
    ['a blank message', { message: '   ' }, CREATE_FAILED_FALLBACK],
    ['undefined data', undefined, CREATE_FAILED_FALLBACK],
  ])('reads %s', (_label, data, message) => {
    expect(parseFailureMessage(data, CREATE_FAILED_FALLBACK)).toEqual({ message })
  })

  it('truncates a huge message', () => {
    const { message } = parseFailureMessage({ message: huge }, CREATE_FAILED_FALLBACK)
    expect(message).toHaveLength(MAX_MESSAGE_LENGTH)
    expect(message.endsWith('…')).toBe(true)
  })
})

describe('parseVisibility', () => {
  it.each<[string, unknown, unknown]>([
    ['both flags', { isMinimized: true, isHidden: false }, { isMinimized: true, isHidden: false }],
    ['only isHidden', { isHidden: true }, { isMinimized: false, isHidden: true }],
    ['a non-boolean flag beside a boolean one', { isMinimized: 'yes', isHidden: true }, { isMinimized: false, isHidden: true }],
    ['no boolean at all', { isMinimized: 1, isHidden: 'true' }, null],
    ['null', null, null],
    ['an empty object', {}, null],
  ])('%s', (_label, data, expected) => {
    expect(parseVisibility(data)).toEqual(expected)
  })
})

describe('parseObjectCoordinates', () => {
  it.each<[string, unknown, ObjectCoordinates | null]>([
    ['a contact', { portalId: 1, objectId: 2, objectTypeId: '0-1' }, { portalId: 1, objectId: 2, objectTypeId: '0-1' }],
    ['a company, extra keys dropped', { portalId: 1, objectId: 2, objectTypeId: '0-2', x: 1 }, { portalId: 1, objectId: 2, objectTypeId: '0-2' }],
    ['a deal (not a caller)', { portalId: 1, objectId: 2, objectTypeId: '0-3' }, null],
    ['a string id', { portalId: 1, objectId: '2', objectTypeId: '0-1' }, null],
    ['no portal', { objectId: 2, objectTypeId: '0-1' }, null],
    ['null', null, null],
  ])('%s', (_name, input, expected) => {
    expect(parseObjectCoordinates(input)).toEqual(expected)
  })
})

describe('parseCallerIdMatches', () => {
  const coords = { portalId: 123, objectId: 9101, objectTypeId: '0-1' as const }
  const companyCoords = { portalId: 123, objectId: 9201, objectTypeId: '0-2' as const }
  const contact = { callerIdType: 'CONTACT' as const, objectCoordinates: coords, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' }
  const company = { callerIdType: 'COMPANY' as const, objectCoordinates: companyCoords, name: 'Acme Ltd' }

  it.each<[string, unknown, CallerIdMatch[]]>([
    ['a contact', { callerIdMatches: [contact] }, [contact]],
    ['a company', { callerIdMatches: [company] }, [company]],
    ['both, in HubSpot\'s order', { callerIdMatches: [company, contact] }, [company, contact]],
    ['a malformed entry is dropped', { callerIdMatches: [{ callerIdType: 'DEAL' }, 7, contact] }, [contact]],
    ['a contact with only an email', { callerIdMatches: [{ ...contact, firstName: 1, lastName: null }] }, [{ ...contact, firstName: '', lastName: '' }]],
    ['control characters and long names are cleaned', { callerIdMatches: [{ ...company, name: `Acme\u0007\nLtd ${'x'.repeat(100)}` }] }, [{ ...company, name: `Acme Ltd ${'x'.repeat(MAX_NAME_LENGTH - 10)}…` }]],
  ])('succeeds with %s', (_name, input, matches) => {
    expect(parseCallerIdMatches(input)).toEqual({ ok: true, payload: { matches } })
  })

  it.each<[string, unknown, string]>([
    ['no list', {}, 'no callerIdMatches list (got undefined)'],
    ['not an object', 'x', 'no callerIdMatches list (got undefined)'],
    ['an object instead of a list', { callerIdMatches: {} }, 'no callerIdMatches list (got object)'],
    ['an empty list', { callerIdMatches: [] }, 'matched no usable contact or company'],
    ['only unusable entries', { callerIdMatches: [{ ...contact, objectCoordinates: null }, { ...company, name: '  ' }] }, 'matched no usable'],
  ])('fails with %s', (_name, input, message) => {
    const result = parseCallerIdMatches(input)
    expect(result.ok).toBe(false)
    expect(result.payload).toEqual({ message: expect.stringContaining(message) })
  })

  it('names a match for the ringing screen', () => {
    expect(callerIdMatchName(contact)).toBe('Ada Lovelace')
    expect(callerIdMatchName(company)).toBe('Acme Ltd')
    expect(callerIdMatchName({ ...contact, firstName: '', lastName: '' })).toBe('ada@example.test')
  })
})
