import { describe, expect, it } from 'vitest'
import { parseConfig } from '@/domain/config'
import { HUBSPOT_APP_ORIGINS, effectiveAllowedOrigins, isOriginAllowed, parseOriginPattern } from '@/domain/origins'

describe('parseOriginPattern', () => {
  it.each([
    ['https://app.hubspot.com', 'https://app.hubspot.com'],
    ['https://APP.HubSpot.com/', 'https://app.hubspot.com'],
    ['https://app.hubspot.com:443', 'https://app.hubspot.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://localhost:*', 'http://localhost:*'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('%s → %s', (input, expected) => {
    expect(parseOriginPattern(input)).toBe(expected)
  })

  it.each([
    'app.hubspot.com', 'https://app.hubspot.com/contacts', 'https://app.hubspot.com?x=1', 'https://user@app.hubspot.com',
    'ftp://app.hubspot.com', 'https://*.hubspot.com', 'null', '', 'https://app.hubspot.com:99999',
  ])('refuses %j', (input) => {
    expect(parseOriginPattern(input)).toBeNull()
  })
})

describe('isOriginAllowed', () => {
  const list = ['https://app.hubspot.com', 'http://localhost:*']
  it.each([
    ['https://app.hubspot.com', true],
    ['http://localhost:5203', true],
    ['http://localhost', true],
    ['https://app.hubspot.com.evil.example', false],
    ['https://evil.example', false],
    ['http://app.hubspot.com', false],
    ['https://localhost:5203', false],
    ['null', false],
    ['', false],
    ['https://app.hubspot.com/', false],
  ])('%j → %s', (origin, allowed) => {
    expect(isOriginAllowed(origin, list)).toBe(allowed)
  })
})

describe('effectiveAllowedOrigins', () => {
  it('is HubSpot\'s app domains on a deployed host', () => {
    expect(effectiveAllowedOrigins(undefined, 'softphone.example.com')).toEqual(HUBSPOT_APP_ORIGINS)
    expect(HUBSPOT_APP_ORIGINS).toContain('https://app.hubspot.com')
    expect(HUBSPOT_APP_ORIGINS).toContain('https://app-eu1.hubspot.com')
  })

  it('adds both loopback names, any port, when the softphone runs on loopback', () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const list = effectiveAllowedOrigins(undefined, host)
      expect(isOriginAllowed('http://127.0.0.1:5203', list)).toBe(true)
      expect(isOriginAllowed('http://localhost:5173', list)).toBe(true)
      expect(isOriginAllowed('https://app.hubspot.com', list)).toBe(true)
    }
    expect(isOriginAllowed('http://127.0.0.1:5203', effectiveAllowedOrigins(undefined, 'softphone.example.com'))).toBe(false)
  })

  it('uses the configured list instead of HubSpot\'s when there is one', () => {
    const list = effectiveAllowedOrigins(['https://app-eu1.hubspot.com'], 'softphone.example.com')
    expect(list).toEqual(['https://app-eu1.hubspot.com'])
  })
})

describe('parseConfig: allowedOrigins', () => {
  const minimal = { pbxUrl: 'wss://pbx.example.com:8089/ws', sipDomain: 'pbx.example.com' }
  const parse = (file: unknown, query = '') => parseConfig(file, new URLSearchParams(query), { hostname: 'softphone.example.com' })

  it('is unset by default (HubSpot\'s domains apply)', () => {
    const r = parse(minimal)
    expect(r.ok && r.config.allowedOrigins).toBeUndefined()
  })

  it('is read from config.json, canonical and without duplicates', () => {
    const r = parse({ ...minimal, allowedOrigins: ['https://APP.hubspot.com/', 'https://app.hubspot.com', 'http://localhost:*'] })
    expect(r.ok && r.config.allowedOrigins).toEqual(['https://app.hubspot.com', 'http://localhost:*'])
  })

  it('names each bad entry', () => {
    const r = parse({ ...minimal, allowedOrigins: ['https://app.hubspot.com', 'app.hubspot.com', 42] })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map(e => e.field)).toEqual(['allowedOrigins[1]', 'allowedOrigins[2]'])
    expect(r.errors[0]?.message).toContain('"app.hubspot.com" is not an origin')
  })

  it.each([[[]], ['https://app.hubspot.com'], [{}]])('refuses %j (not a non-empty list)', (value) => {
    const r = parse({ ...minimal, allowedOrigins: value })
    expect(r.ok ? [] : r.errors.map(e => e.field)).toEqual(['allowedOrigins'])
  })

  it('cannot be set from the page URL (whoever frames us controls it)', () => {
    const r = parse(minimal, 'allowedOrigins=https://evil.example')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toEqual([{ field: 'allowedOrigins', message: 'can only be set in config.json, not in the page URL.' }])
  })
})
