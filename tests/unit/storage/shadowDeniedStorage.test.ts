import { describe, expect, it } from 'vitest'
import { shadowDeniedStorage } from '@/storage/shadowDeniedStorage'

describe('shadowDeniedStorage', () => {
  it('replaces storage that throws on access with null, so feature checks at import time pass', () => {
    const target = {}
    Object.defineProperty(target, 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError') }, configurable: true })
    Object.defineProperty(target, 'sessionStorage', { get: () => { throw new DOMException('denied', 'SecurityError') }, configurable: true })
    expect(shadowDeniedStorage(target as Window)).toEqual(['localStorage', 'sessionStorage'])
    const w = target as { localStorage: unknown, sessionStorage: unknown }
    expect(w.localStorage).toBeNull()
    expect(w.sessionStorage).toBeNull()
  })

  it('leaves storage the browser allows alone', () => {
    expect(shadowDeniedStorage(window)).toEqual([])
    expect(window.localStorage).not.toBeNull()
  })
})
