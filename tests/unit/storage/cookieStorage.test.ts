import { describe, expect, it } from 'vitest'
import { COOKIE_BUDGET_BYTES, CookieStorage, partitionedCookieStorage, splitEncoded } from '@/storage/cookieStorage'
import { FakeCookieJar } from './fakeCookieJar'

describe('CookieStorage (partitioned cookies)', () => {
  it('writes Partitioned, Secure, SameSite=None cookies that outlive the page', () => {
    const jar = new FakeCookieJar()
    new CookieStorage(jar).setItem('softphone:agent', '{"extension":"1001"}')
    const attributes = [...jar.cookies.values()].map(c => c.attributes)
    expect(attributes.length).toBeGreaterThan(0)
    for (const a of attributes)
      expect(a).toMatchObject({ partitioned: true, secure: true, sameSite: 'None', path: '/', expires: 30 })
  })

  it('round-trips a long value with every kind of character over several cookies', () => {
    const jar = new FakeCookieJar()
    const storage = new CookieStorage(jar)
    const value = 'Notes; with=semicolons, commas "quotes" \n newlines ü 漢字 🙂 '.repeat(30)
    expect(encodeURIComponent(value).length).toBeGreaterThan(3_000)
    storage.setItem('draft', value)
    expect(jar.cookies.size).toBeGreaterThan(2)
    for (const { value: stored } of jar.cookies.values()) {
      expect(stored.length).toBeLessThanOrEqual(3_000)
      expect(stored).toMatch(/^[\w.!~*'()%-]*$/)
    }
    expect(storage.getItem('draft')).toBe(value)
    storage.setItem('draft', 'short now')
    expect(storage.getItem('draft')).toBe('short now')
    expect(jar.cookies.size).toBe(2)
    storage.removeItem('draft')
    expect(jar.cookies.size).toBe(0)
    expect(storage.getItem('draft')).toBeNull()
  })

  it('refuses (QuotaExceededError) a value past the budget and leaves the stored one and the others alone', () => {
    const jar = new FakeCookieJar()
    const storage = new CookieStorage(jar)
    storage.setItem('softphone:agent', '{"extension":"1001"}')
    storage.setItem('draft', 'first version')
    expect(() => storage.setItem('draft', 'x'.repeat(COOKIE_BUDGET_BYTES))).toThrow(expect.objectContaining({ name: 'QuotaExceededError' }))
    expect(storage.getItem('draft')).toBe('first version')
    expect(storage.getItem('softphone:agent')).toBe('{"extension":"1001"}')
  })

  it('treats a value with a missing chunk (evicted by the browser) as absent, not as a torn value', () => {
    const jar = new FakeCookieJar()
    const storage = new CookieStorage(jar)
    storage.setItem('draft', 'y'.repeat(5_000))
    jar.remove('sp.draft.1')
    expect(storage.getItem('draft')).toBeNull()
  })

  it('is unavailable when the browser keeps no cookie', () => {
    const dropAll = { get: () => undefined, set: () => undefined, remove: () => undefined }
    expect(partitionedCookieStorage(dropAll as never)).toBeNull()
    expect(partitionedCookieStorage(new FakeCookieJar() as never)).toBeInstanceOf(CookieStorage)
  })
})

describe('splitEncoded', () => {
  it('never cuts a %XX escape, and keeps every piece within the size', () => {
    const encoded = encodeURIComponent('a🙂b漢c'.repeat(50))
    for (const size of [3, 4, 5, 7, 100]) {
      const pieces = splitEncoded(encoded, size)
      expect(pieces.join('')).toBe(encoded)
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(size)
        expect(piece).not.toMatch(/%[0-9A-F]?$/)
      }
    }
  })
})
