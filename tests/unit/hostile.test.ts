/**
 * Hostile and broken input from "HubSpot", through the production chain: the origin guard,
 * the REAL SDK (widget side, happy-dom), createHubSpotPort's validators, and the stores with
 * a fake SIP phone. Every case is a wire message as HubSpot's IFrameManager posts it. Each
 * must be dialled as `+`/digits only, refused with a readable message (on screen and to
 * HubSpot as sendError), or ignored; nothing may throw, and no INVITE target may carry
 * anything but `+` and digits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'
import { installMessageGuard } from '@/hubspot/originGuard'
import type { HubSpotEventName, HubSpotEvents, HubSpotPort } from '@/hubspot/types'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import { useWidgetStore } from '@/stores/widget'
import type { Harness } from './fakes'
import { createHarness } from './fakes'

const HUBSPOT = 'https://app.hubspot.com'
const parent = { name: 'HubSpot' }
const EVENTS: HubSpotEventName[] = [
  'ready', 'dialNumber', 'endCall', 'engagementCreated', 'engagementCreateFailed', 'engagementUpdated',
  'engagementUpdateFailed', 'visibilityChanged', 'callerIdMatchSucceeded', 'callerIdMatchFailed', 'navigateToRecordFailed',
]

type Expect = { dial: string } | { refused: RegExp } | 'ignored'
interface Case { name: string, message: unknown, expect: Expect }

const dial = (data: unknown): unknown => ({ type: 'DIAL_NUMBER', data, messageId: 'hs_dial' })
const dialNumber = (phoneNumber: unknown, extra: Record<string, unknown> = {}): unknown => dial({ phoneNumber, countryCode: 'GB', ...extra })
const msg = (type: string, data?: unknown): unknown => ({ type, data, messageId: `hs_${type}` })
const E164 = '+442079460600'
const NOT_A_NUMBER = /not a phone number|no digits|too (long|short)|control characters|No phone number|not text|empty|not an object|without a phone number|longer than/

const DIAL_CASES: Case[] = [
  { name: 'a valid national number (control)', message: dialNumber('020 7946 0600'), expect: { dial: E164 } },
  { name: 'a valid E.164 number (control)', message: dialNumber(E164), expect: { dial: E164 } },
  { name: 'no data at all', message: dial(undefined), expect: { refused: /not an object/ } },
  { name: 'data null', message: dial(null), expect: { refused: /not an object/ } },
  { name: 'data is a string', message: dial(E164), expect: { refused: /not an object/ } },
  { name: 'data is an array', message: dial([E164]), expect: { refused: /not an object/ } },
  { name: 'phoneNumber missing', message: dial({ countryCode: 'GB' }), expect: { refused: /without a phone number/ } },
  { name: 'phoneNumber null', message: dialNumber(null), expect: { refused: /not text/ } },
  { name: 'phoneNumber a number', message: dialNumber(442079460600), expect: { refused: /not text/ } },
  { name: 'phoneNumber an object', message: dialNumber({ toString: () => E164 }), expect: { refused: /not text/ } },
  { name: 'phoneNumber an array', message: dialNumber([E164]), expect: { refused: /not text/ } },
  { name: 'phoneNumber true', message: dialNumber(true), expect: { refused: /not text/ } },
  { name: 'empty string', message: dialNumber(''), expect: { refused: /empty/ } },
  { name: 'only spaces', message: dialNumber('    '), expect: { refused: /empty/ } },
  { name: '10,000 digits', message: dialNumber('1'.repeat(10_000)), expect: { refused: /longer than/ } },
  { name: '10,000 letters', message: dialNumber('a'.repeat(10_000)), expect: { refused: /longer than/ } },
  { name: 'letters', message: dialNumber('call me maybe'), expect: { refused: /not a phone number/ } },
  { name: 'a vanity number', message: dialNumber('1-800-FLOWERS'), expect: { refused: /not a phone number/ } },
  { name: 'SIP URI injection user@host', message: dialNumber('100@evil.example'), expect: { refused: /not a phone number/ } },
  { name: 'a bracketed SIP URI', message: dialNumber('<sip:x@y>'), expect: { refused: /not a phone number/ } },
  { name: 'a full sip: URI', message: dialNumber(`sip:${E164}@evil.example`), expect: { refused: /not a phone number/ } },
  { name: 'a URI parameter', message: dialNumber(`${E164};transport=tcp`), expect: { refused: /not a phone number/ } },
  { name: 'a URI header', message: dialNumber(`${E164}?Subject=hello`), expect: { refused: /not a phone number/ } },
  { name: 'CR/LF header injection', message: dialNumber(`${E164}\r\nVia: SIP/2.0/WS evil`), expect: { refused: /control characters/ } },
  { name: 'a lone LF', message: dialNumber(`${E164}\n`), expect: { dial: E164 } },
  { name: 'a NUL byte', message: dialNumber(`+4420\u00007946 0600`), expect: { refused: /control characters/ } },
  { name: 'percent-encoded +', message: dialNumber('%2B442079460600'), expect: { refused: /not a phone number/ } },
  { name: 'a post-dial suffix (the main number is dialed, the keys wait for the answer)', message: dialNumber(`${E164},,123#`), expect: { dial: E164 } },
  { name: 'star codes', message: dialNumber('*67 020 7946 0600'), expect: { refused: /not a phone number/ } },
  { name: 'full-width digits and plus (IME)', message: dialNumber('＋４４ ２０ ７９４６ ０６００'), expect: { dial: E164 } },
  { name: 'Arabic-Indic digits', message: dialNumber('٠٢٠ ٧٩٤٦ ٠٦٠٠'), expect: { refused: /not a phone number/ } },
  { name: 'zero-width spaces and a bidi mark', message: dialNumber('\u200e020\u200b 7946 0600'), expect: { dial: E164 } },
  { name: 'an emoji', message: dialNumber('📞 020 7946 0600'), expect: { refused: /not a phone number/ } },
  { name: 'a tel: URI', message: dialNumber(`tel:${E164}`), expect: { dial: E164 } },
  { name: 'a single digit', message: dialNumber('7'), expect: { refused: /not a phone number|too short/ } },
  { name: 'countryCode of the wrong type', message: dialNumber('020 7946 0600', { countryCode: 44 }), expect: { dial: E164 } },
  { name: 'countryCode nonsense', message: dialNumber(E164, { countryCode: 'XX<script>' }), expect: { dial: E164 } },
  { name: 'negative objectId', message: dialNumber(E164, { objectId: -1 }), expect: { dial: E164 } },
  { name: 'huge objectId', message: dialNumber(E164, { objectId: 1e300 }), expect: { dial: E164 } },
  { name: 'ownerId an object', message: dialNumber(E164, { ownerId: { $gt: 0 } }), expect: { dial: E164 } },
  { name: 'calleeInfo junk', message: dialNumber(E164, { calleeInfo: 'x'.repeat(10_000) }), expect: { dial: E164 } },
  { name: 'prototype pollution attempt', message: JSON.parse(`{"type":"DIAL_NUMBER","messageId":"hs_p","data":{"phoneNumber":"${E164}","__proto__":{"polluted":1}}}`), expect: { dial: E164 } },
]

const OTHER_CASES: Case[] = [
  { name: 'an unknown message type', message: msg('DROP_ALL_TABLES', { x: 1 }), expect: 'ignored' },
  { name: 'a message without messageId', message: { type: 'DIAL_NUMBER', data: { phoneNumber: E164 } }, expect: 'ignored' },
  { name: 'data null (not an SDK message)', message: null, expect: 'ignored' },
  { name: 'a bare string', message: 'DIAL_NUMBER', expect: 'ignored' },
  { name: 'type of the wrong type', message: { type: 42, messageId: 'hs_x' }, expect: 'ignored' },
  { name: 'END_CALL with junk while idle', message: msg('END_CALL', { evil: true }), expect: 'ignored' },
  { name: 'CREATE_ENGAGEMENT_SUCCEEDED with a negative id', message: msg('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: -1 }), expect: 'ignored' },
  { name: 'CREATE_ENGAGEMENT_SUCCEEDED with a string id', message: msg('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: '123' }), expect: 'ignored' },
  { name: 'CREATE_ENGAGEMENT_SUCCEEDED with a huge id', message: msg('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: 1e20 }), expect: 'ignored' },
  { name: 'CREATE_ENGAGEMENT_FAILED with a 10,000-char message', message: msg('CREATE_ENGAGEMENT_FAILED', { message: 'x'.repeat(10_000) }), expect: 'ignored' },
  { name: 'UPDATE_ENGAGEMENT_SUCCEEDED while idle', message: msg('UPDATE_ENGAGEMENT_SUCCEEDED', { engagementId: 5 }), expect: 'ignored' },
  { name: 'UPDATE_ENGAGEMENT_FAILED while idle', message: msg('UPDATE_ENGAGEMENT_FAILED', null), expect: 'ignored' },
  { name: 'VISIBILITY_CHANGED with strings', message: msg('VISIBILITY_CHANGED', { isMinimized: 'yes', isHidden: 1 }), expect: 'ignored' },
  { name: 'CALLER_ID_MATCH_SUCCEEDED with junk', message: msg('CALLER_ID_MATCH_SUCCEEDED', { callerIdMatches: 'all of them' }), expect: 'ignored' },
  { name: 'CALLER_ID_MATCH_SUCCEEDED with hostile names', message: msg('CALLER_ID_MATCH_SUCCEEDED', { callerIdMatches: [{ callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 2, objectTypeId: '0-1' }, firstName: '<img src=x onerror=alert(1)>\r\n', lastName: 'x'.repeat(10_000), email: null }] }), expect: 'ignored' },
  { name: 'NAVIGATE_TO_RECORD_FAILED with an object message', message: msg('NAVIGATE_TO_RECORD_FAILED', { message: { toString: 1 } }), expect: 'ignored' },
  { name: 'SET_CALL_STATE', message: msg('SET_CALL_STATE', { state: 'HACKED' }), expect: 'ignored' },
  { name: 'a second SYNC with junk fields', message: { type: 'SYNC', hostUrl: HUBSPOT, messageId: 'hs_sync2', portalId: -5, engagementId: 'abc' }, expect: 'ignored' },
  { name: 'SET_WIDGET_URL to another origin', message: { type: 'SET_WIDGET_URL', iFrameUrl: 'https://evil.example', messageId: 'hs_swu' }, expect: 'ignored' },
]

let h: Harness
let port: HubSpotPort
let cleanup: Array<() => void>
let errors: unknown[][]

function post(data: unknown, origin = HUBSPOT): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: parent as unknown as Window }))
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
  await new Promise(r => setTimeout(r, 0))
}

beforeEach(async () => {
  cleanup = []
  errors = []
  vi.spyOn(window, 'postMessage').mockImplementation(() => undefined)
  vi.spyOn(console, 'debug').mockImplementation(() => undefined)
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args)
  })
  const onError = (e: ErrorEvent): void => {
    errors.push([e.message])
  }
  window.addEventListener('error', onError)
  cleanup.push(() => window.removeEventListener('error', onError))
  h = createHarness()
  cleanup.push(installMessageGuard({
    parent,
    addEventListener: (t, l, o) => window.addEventListener(t, l, o),
    removeEventListener: (t, l, o) => window.removeEventListener(t, l, o),
  }, { allowedOrigins: [HUBSPOT] }))
  port = createHubSpotPort({ debug: false })
  cleanup.push(() => port.dispose())
  for (const event of EVENTS)
    port.on(event, (payload: HubSpotEvents[typeof event]) => h.hubspot.emit(event, payload as never))
  useWidgetStore()
  useCallStore()
  await useAgentStore().signIn({ extension: '1007', password: 'pw', displayName: '' })
  post({ type: 'SYNC', hostUrl: HUBSPOT, messageId: 'hs_sync', portalId: 1 })
  await settled()
  h.sip.actions.length = 0
  h.hubspot.sent.length = 0
})

afterEach(() => {
  for (const c of cleanup.reverse()) c()
})

const calls = (): string[] => h.sip.actions.filter(a => a.startsWith('call:')).map(a => a.slice('call:'.length))
const sendErrors = (): string[] => h.hubspot.sent.filter(m => m.type === 'sendError').map(m => (m.data as { message: string }).message)

describe.each([['DIAL_NUMBER', DIAL_CASES], ['every other message', OTHER_CASES]] as const)('hostile %s', (_group, cases) => {
  it.each(cases.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    expect(() => post(c.message)).not.toThrow()
    await settled()
    // Whatever happened: an INVITE target is `+` and digits, nothing else.
    for (const target of calls()) expect(target).toMatch(/^\+?[0-9]+$/)
    expect(errors).toEqual([])
    const call = useCallStore()
    if (c.expect === 'ignored') {
      expect(calls()).toEqual([])
      expect(sendErrors()).toEqual([])
      expect(call.phase).toBe('idle')
    }
    else if ('dial' in c.expect) {
      expect(calls()).toEqual([c.expect.dial])
      expect(sendErrors()).toEqual([])
    }
    else {
      expect(calls()).toEqual([])
      expect(sendErrors()).toHaveLength(1)
      expect(sendErrors()[0]).toMatch(c.expect.refused)
      expect(sendErrors()[0]).toMatch(NOT_A_NUMBER)
      // The agent reads the same sentence, bounded in length.
      expect(call.notices.map(n => n.text)).toContain(sendErrors()[0])
      expect(sendErrors()[0]!.length).toBeLessThan(300)
      expect(call.phase).toBe('idle')
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

