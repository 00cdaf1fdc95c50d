import { describe, expect, it } from 'vitest'
import { isValidSipDomain, parseConfig } from '@/domain/config'
import type { AppConfig, ConfigError, ConfigResult } from '@/domain/config'

const DEPLOYED = { hostname: 'softphone.example.com' }
const LOCAL = { hostname: 'localhost' }

const minimal = { pbxUrl: 'wss://pbx.example.com:8089/ws', sipDomain: 'pbx.example.com' }

function parse(file: unknown, query = '', location = DEPLOYED): ConfigResult {
  return parseConfig(file, new URLSearchParams(query), location)
}

function config(file: unknown, query = '', location = DEPLOYED): AppConfig {
  const result = parse(file, query, location)
  if (!result.ok) throw new Error(`expected a valid config, got ${JSON.stringify(result.errors)}`)
  return result.config
}

function errors(file: unknown, query = '', location = DEPLOYED): ConfigError[] {
  const result = parse(file, query, location)
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`)
  return result.errors
}

function fields(file: unknown, query = '', location = DEPLOYED): string[] {
  return errors(file, query, location).map((e) => e.field)
}

describe('parseConfig: valid', () => {
  it('fills in the defaults', () => {
    expect(config(minimal)).toEqual({
      pbxUrl: 'wss://pbx.example.com:8089/ws',
      sipDomain: 'pbx.example.com',
      iceServers: [],
      ringTimeoutSeconds: 45,
      callReconnectSeconds: 30,
      debug: false,
    })
  })

  it('reads every field from the file', () => {
    expect(config({
      ...minimal,
      iceServers: [
        { urls: 'stun:stun.example.com:3478' },
        { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'], username: 'u', credential: 'p' },
      ],
      defaultCountry: 'gb',
      ringTimeoutSeconds: 30,
      callReconnectSeconds: 60,
      debug: true,
    })).toEqual({
      pbxUrl: 'wss://pbx.example.com:8089/ws',
      sipDomain: 'pbx.example.com',
      iceServers: [
        { urls: 'stun:stun.example.com:3478' },
        { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'], username: 'u', credential: 'p' },
      ],
      defaultCountry: 'GB',
      ringTimeoutSeconds: 30,
      callReconnectSeconds: 60,
      debug: true,
    })
  })

  it('ignores unknown fields', () => {
    expect(config({ ...minimal, theme: 'dark', nested: { a: 1 } })).not.toHaveProperty('theme')
  })

  it.each<[string, string, Partial<AppConfig>]>([
    ['ws:// on localhost', 'ws://localhost:8088/ws', { pbxUrl: 'ws://localhost:8088/ws' }],
    ['ws:// on 127.0.0.1', 'ws://127.0.0.1:8088/ws', { pbxUrl: 'ws://127.0.0.1:8088/ws' }],
    ['ws:// on ::1', 'ws://[::1]:8088/ws', { pbxUrl: 'ws://[::1]:8088/ws' }],
    ['wss:// anywhere', 'wss://10.0.0.5/ws', { pbxUrl: 'wss://10.0.0.5/ws' }],
  ])('accepts pbxUrl %s', (_name, pbxUrl, expected) => {
    expect(config({ ...minimal, pbxUrl })).toMatchObject(expected)
  })

  it.each<[string, string]>([
    ['pbx.example.com', 'pbx.example.com'],
    ['PBX.Example.COM', 'pbx.example.com'],
    [' pbx.example.com ', 'pbx.example.com'],
    ['localhost', 'localhost'],
    ['10.0.0.5', '10.0.0.5'],
    ['[2001:db8::1]', '[2001:db8::1]'],
    ['my-pbx', 'my-pbx'],
  ])('accepts sipDomain %j', (sipDomain, expected) => {
    expect(config({ ...minimal, sipDomain }).sipDomain).toBe(expected)
  })
})

describe('parseConfig: query parameters override the file', () => {
  it.each<[string, string, Partial<AppConfig>]>([
    ['pbxUrl', 'pbxUrl=wss://other.example.com/ws', { pbxUrl: 'wss://other.example.com/ws' }],
    ['sipDomain', 'sipDomain=other.example.com', { sipDomain: 'other.example.com' }],
    ['defaultCountry', 'defaultCountry=us', { defaultCountry: 'US' }],
    ['ringTimeoutSeconds', 'ringTimeoutSeconds=20', { ringTimeoutSeconds: 20 }],
    ['callReconnectSeconds', 'callReconnectSeconds=4', { callReconnectSeconds: 4 }],
    ['debug=1', 'debug=1', { debug: true }],
    ['debug=true', 'debug=true', { debug: true }],
    ['debug=TRUE', 'debug=TRUE', { debug: true }],
    ['debug=0', 'debug=0', { debug: false }],
    ['debug=false', 'debug=false', { debug: false }],
    ['iceServers', 'iceServers=stun:a.example.com:3478,stuns:b.example.com', { iceServers: [{ urls: 'stun:a.example.com:3478' }, { urls: 'stuns:b.example.com' }] }],
    ['empty iceServers means none', 'iceServers=', { iceServers: [] }],
    ['an empty scalar is ignored', 'pbxUrl=&ringTimeoutSeconds=', { pbxUrl: 'wss://pbx.example.com:8089/ws', ringTimeoutSeconds: 60 }],
  ])('%s', (_name, query, expected) => {
    const file = { ...minimal, defaultCountry: 'GB', ringTimeoutSeconds: 60, debug: true, iceServers: [{ urls: 'stun:file.example.com' }] }
    expect(config(file, query)).toMatchObject(expected)
  })

  it('makes a config without any file', () => {
    expect(config(null, 'pbxUrl=wss://pbx.example.com/ws&sipDomain=pbx.example.com')).toEqual({
      pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com', iceServers: [], ringTimeoutSeconds: 45, callReconnectSeconds: 30, debug: false,
    })
  })

  it('says when the bad value came from the page URL', () => {
    const [error] = errors(minimal, 'pbxUrl=ws://pbx.example.com/ws')
    expect(error).toEqual({ field: 'pbxUrl', message: 'must use wss:// (unencrypted ws:// is only allowed for localhost) (from the page URL).' })
  })
})

describe('parseConfig: errors', () => {
  it('asks for the required fields when there is no config.json', () => {
    expect(errors(null)).toEqual([
      { field: 'pbxUrl', message: expect.stringMatching(/^is required: the WebSocket address/) },
      { field: 'sipDomain', message: expect.stringMatching(/^is required: the SIP domain/) },
    ])
  })

  it.each<[string, unknown]>([['an array', []], ['a string', 'wss://x'], ['a number', 42]])('refuses a config.json that is %s', (_name, file) => {
    expect(fields(file)).toEqual(['config.json', 'pbxUrl', 'sipDomain'])
  })

  it('reports every problem at once', () => {
    expect(fields({ pbxUrl: 'http://x', sipDomain: 'sip:x', defaultCountry: 'England', ringTimeoutSeconds: 1, debug: 'yes', iceServers: 'stun:x' }))
      .toEqual(['pbxUrl', 'sipDomain', 'iceServers', 'defaultCountry', 'ringTimeoutSeconds', 'debug'])
  })

  it.each<[string, unknown, RegExp]>([
    ['ws:// to a remote host', 'ws://pbx.example.com/ws', /^must use wss:\/\//],
    ['ws:// to a LAN address', 'ws://192.168.1.10:8088/ws', /^must use wss:\/\//],
    ['http://', 'http://pbx.example.com', /^must be a WebSocket URL starting with wss:\/\/, not http:\/\//],
    ['https://', 'https://pbx.example.com', /WebSocket URL/],
    ['not a URL', 'pbx.example.com', /is not a URL; expected e\.g\. wss:\/\//],
    ['credentials in the URL', 'wss://user:secret@pbx.example.com/ws', /must not contain a user name or password/],
    ['a number', 8089, /^must be a text value/],
    ['empty', '', /is not a URL/],
  ])('pbxUrl: %s', (_name, pbxUrl, message) => {
    const [error, ...rest] = errors({ ...minimal, pbxUrl })
    expect(rest).toEqual([])
    expect(error?.field).toBe('pbxUrl')
    expect(error?.message).toMatch(message)
  })

  it('does not echo the password in a pbxUrl error', () => {
    const [error] = errors({ ...minimal, pbxUrl: 'wss://user:s3cr3t@pbx.example.com/ws' })
    expect(error?.message).not.toContain('s3cr3t')
  })

  it.each<[string, unknown, RegExp]>([
    ['a sip: URI', 'sip:pbx.example.com', /without a scheme/],
    ['a wss:// URL', 'wss://pbx.example.com', /without a scheme/],
    ['a user', '1001@pbx.example.com', /without a user name/],
    ['a port', 'pbx.example.com:5060', /is not a host name or IP address .*no port/],
    ['a path', 'pbx.example.com/ws', /is not a host name or IP address/],
    ['spaces', 'pbx example.com', /is not a host name or IP address/],
    ['a bad IPv4', '300.1.1.1', /is not a host name or IP address/],
    ['a bare IPv6', '2001:db8::1', /is not a host name or IP address/],
    ['a label starting with -', '-pbx.example.com', /is not a host name or IP address/],
    ['empty', '', /is not a host name or IP address/],
    ['a number', 12, /^must be a text value/],
  ])('sipDomain: %s', (_name, sipDomain, message) => {
    const [error, ...rest] = errors({ ...minimal, sipDomain })
    expect(rest).toEqual([])
    expect(error?.field).toBe('sipDomain')
    expect(error?.message).toMatch(message)
  })

  it.each<[string, unknown, string, RegExp]>([
    ['not a list', { urls: 'stun:x' }, 'iceServers', /must be a list of ICE servers/],
    ['an entry that is not an object', ['stun:x'], 'iceServers[0]', /must be an object/],
    ['missing urls', [{}], 'iceServers[0].urls', /is required/],
    ['empty urls list', [{ urls: [] }], 'iceServers[0].urls', /is required/],
    ['an http URL', [{ urls: 'https://stun.example.com' }], 'iceServers[0].urls', /must start with stun:, stuns:, turn: or turns:/],
    ['a bad URL in a list', [{ urls: ['stun:ok.example.com', 'stun.example.com'] }], 'iceServers[0].urls[1]', /must start with stun:/],
    ['TURN without credentials', [{ urls: 'turn:turn.example.com' }], 'iceServers[0]', /TURN server needs both "username" and "credential"/],
    ['TURN without credential', [{ urls: ['stun:a', 'turns:b'], username: 'u' }], 'iceServers[0]', /TURN server needs/],
    ['a numeric credential', [{ urls: 'turn:t', username: 'u', credential: 1234 }], 'iceServers[0].credential', /must be a text value/],
    ['the second entry', [{ urls: 'stun:a' }, { urls: 'ftp:b' }], 'iceServers[1].urls', /must start with stun:/],
  ])('iceServers: %s', (_name, iceServers, field, message) => {
    const list = errors({ ...minimal, iceServers })
    expect(list.map((e) => e.field)).toContain(field)
    expect(list.find((e) => e.field === field)?.message).toMatch(message)
  })

  it.each<[string, string, RegExp]>([
    ['a TURN URL', 'iceServers=turn:turn.example.com', /TURN servers need credentials, which cannot be given in the page URL/],
    ['an http URL', 'iceServers=stun:ok,http://bad', /must start with stun:/],
  ])('iceServers from the query: %s', (_name, query, message) => {
    const [error] = errors(minimal, query)
    expect(error?.field).toMatch(/^iceServers\[\d\]$/)
    expect(error?.message).toMatch(message)
  })

  it.each<[string, unknown]>([['XX', 'XX'], ['three letters', 'GBR'], ['a name', 'United Kingdom'], ['a number', 44], ['empty', '']])(
    'defaultCountry: %s',
    (_name, defaultCountry) => {
      const [error] = errors({ ...minimal, defaultCountry })
      expect(error?.field).toBe('defaultCountry')
      expect(error?.message).toMatch(/is not a two-letter country code such as GB or US/)
    },
  )

  it.each<[string, unknown, string, RegExp]>([
    ['too short', 4, '', /must be from 5 to 300 seconds, not 4/],
    ['too long', 301, '', /must be from 5 to 300 seconds, not 301/],
    ['not whole', 30.5, '', /must be a whole number of seconds/],
    ['a string in the file', '30', '', /must be a whole number of seconds/],
    ['a boolean', true, '', /must be a whole number of seconds/],
    ['a word in the query', 45, 'ringTimeoutSeconds=soon', /must be a whole number of seconds .*\(from the page URL\)/],
    ['negative in the query', 45, 'ringTimeoutSeconds=-5', /must be a whole number/],
    ['too big in the query', 45, 'ringTimeoutSeconds=3000', /not 3000 \(from the page URL\)/],
  ])('ringTimeoutSeconds: %s', (_name, ringTimeoutSeconds, query, message) => {
    const [error] = errors({ ...minimal, ringTimeoutSeconds }, query)
    expect(error?.field).toBe('ringTimeoutSeconds')
    expect(error?.message).toMatch(message)
  })

  it.each([5, 300])('ringTimeoutSeconds: accepts the bound %d', (ringTimeoutSeconds) => {
    expect(config({ ...minimal, ringTimeoutSeconds }).ringTimeoutSeconds).toBe(ringTimeoutSeconds)
  })

  it.each<[string, unknown, string, RegExp]>([
    ['zero', 0, '', /^must be from 1 to 300 seconds, not 0\.$/],
    ['too long', 301, '', /must be from 1 to 300 seconds, not 301/],
    ['not whole', 2.5, '', /must be a whole number of seconds/],
    ['a word in the query', 30, 'callReconnectSeconds=forever', /must be a whole number of seconds .*\(from the page URL\)/],
  ])('callReconnectSeconds: %s', (_name, callReconnectSeconds, query, message) => {
    const [error] = errors({ ...minimal, callReconnectSeconds }, query)
    expect(error?.field).toBe('callReconnectSeconds')
    expect(error?.message).toMatch(message)
  })

  it.each([1, 300])('callReconnectSeconds: accepts the bound %d', (callReconnectSeconds) => {
    expect(config({ ...minimal, callReconnectSeconds }).callReconnectSeconds).toBe(callReconnectSeconds)
  })

  it.each<[string, unknown, string, RegExp]>([
    ['a string in the file', 'true', '', /^must be true or false/],
    ['a number in the file', 1, '', /^must be true or false/],
    ['yes in the query', false, 'debug=yes', /^must be 1, true, 0 or false, not "yes" \(from the page URL\)\.$/],
  ])('debug: %s', (_name, debug, query, message) => {
    const [error] = errors({ ...minimal, debug }, query)
    expect(error?.field).toBe('debug')
    expect(error?.message).toMatch(message)
  })

  it('keeps error messages short when a value is huge', () => {
    const [error] = errors({ ...minimal, sipDomain: 'x'.repeat(5000) })
    expect(error?.message.length).toBeLessThan(200)
  })
})

describe('parseConfig: devLogin', () => {
  const devLogin = { extension: '1001', password: 'test1001', displayName: 'Agent 1001' }

  it('prefills sign-in when the app runs on localhost', () => {
    expect(config({ ...minimal, devLogin }, '', LOCAL).devLogin).toEqual(devLogin)
  })

  it.each(['127.0.0.1', '[::1]', '::1'])('also on %s', (hostname) => {
    expect(config({ ...minimal, devLogin }, '', { hostname }).devLogin).toEqual(devLogin)
  })

  it('is ignored on a deployed host, so a leaked password is never used', () => {
    expect(config({ ...minimal, devLogin }, '', DEPLOYED)).not.toHaveProperty('devLogin')
  })

  it('accepts a numeric extension and no display name', () => {
    expect(config({ ...minimal, devLogin: { extension: 1001, password: 'p' } }, '', LOCAL).devLogin).toEqual({ extension: '1001', password: 'p' })
  })

  it.each<[string, unknown, string]>([
    ['not an object', '1001:secret', 'devLogin'],
    ['missing extension', { password: 'p' }, 'devLogin.extension'],
    ['missing password', { extension: '1001' }, 'devLogin.password'],
    ['empty password', { extension: '1001', password: '' }, 'devLogin.password'],
    ['numeric display name', { extension: '1001', password: 'p', displayName: 7 }, 'devLogin.displayName'],
  ])('reports %s', (_name, value, field) => {
    expect(fields({ ...minimal, devLogin: value }, '', LOCAL)).toEqual([field])
  })
})

describe('isValidSipDomain', () => {
  it.each<[string, boolean]>([
    ['pbx.example.com', true],
    ['a', true],
    ['xn--bcher-kva.example', true],
    ['1.2.3.4', true],
    ['[::1]', true],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['example..com', false],
    ['example.com.', false],
    ['under_score.example.com', false],
    [`${'a'.repeat(64)}.com`, false],
    ['[not-ipv6]', false],
  ])('%s → %s', (domain, valid) => {
    expect(isValidSipDomain(domain)).toBe(valid)
  })
})

describe('parseConfig: dtmfMode', () => {
  it('is left unset by default (the adapter uses RFC 4733 telephone-events)', () => {
    expect(config(minimal).dtmfMode).toBeUndefined()
  })
  it.each([['rfc4733', 'rfc4733'], ['info', 'info'], [' INFO ', 'info']])('reads %j from the file', (value, mode) => {
    expect(config({ ...minimal, dtmfMode: value }).dtmfMode).toBe(mode)
  })
  it('can be switched from the page URL', () => {
    expect(config({ ...minimal, dtmfMode: 'rfc4733' }, 'dtmfMode=info').dtmfMode).toBe('info')
  })
  it.each([['inband'], [true], [4733]])('refuses %j and says what is allowed', (value) => {
    const [error] = errors({ ...minimal, dtmfMode: value })
    expect(error?.field).toBe('dtmfMode')
    expect(error?.message).toContain('"rfc4733"')
    expect(error?.message).toContain('"info"')
  })
})

describe('parseConfig: locale', () => {
  it('is left unset by default (the browser\'s languages decide)', () => {
    expect(config(minimal).locale).toBeUndefined()
  })
  it.each([['de', 'de'], ['fr', 'fr'], ['es', 'es'], ['en', 'en'], ['de-AT', 'de'], [' FR-ca ', 'fr'], ['es_ES'.replace('_', '-'), 'es']])('reads %j as %s', (value, locale) => {
    expect(config({ ...minimal, locale: value }).locale).toBe(locale)
  })
  it('can be set from the page URL, over the file', () => {
    expect(config({ ...minimal, locale: 'fr' }, 'locale=de').locale).toBe('de')
  })
  it.each([['it'], ['klingon'], ['de_DE'], [''], [7], [['de']]])('refuses %j and names the languages it speaks', (value) => {
    const [error] = errors({ ...minimal, locale: value })
    expect(error?.field).toBe('locale')
    expect(error?.message).toMatch(/is not a language the softphone speaks; use one of en, de, fr, es/)
  })
  it('says when the bad value came from the page URL', () => {
    const [error] = errors(minimal, 'locale=it')
    expect(error?.message).toContain('"it" is not a language the softphone speaks (from the page URL)')
  })
})

describe('parseConfig: iceTransportPolicy (test only)', () => {
  it('is left unset by default (every candidate type, what production wants)', () => {
    expect(config(minimal).iceTransportPolicy).toBeUndefined()
  })
  it.each([['relay', 'relay'], [' RELAY ', 'relay'], ['all', 'all']])('reads %j', (value, policy) => {
    expect(config({ ...minimal, iceTransportPolicy: value }).iceTransportPolicy).toBe(policy)
  })
  it('can be switched from the page URL', () => {
    expect(config(minimal, 'iceTransportPolicy=relay').iceTransportPolicy).toBe('relay')
  })
  it.each([['none'], [true]])('refuses %j and says what is allowed', (value) => {
    const [error] = errors({ ...minimal, iceTransportPolicy: value })
    expect(error?.field).toBe('iceTransportPolicy')
    expect(error?.message).toContain('"relay"')
  })
})
