import { describe, expect, it } from 'vitest'
import { browserStorage, MemoryStorage } from '@/storage/browserStorage'
import { CookieStorage } from '@/storage/cookieStorage'
import { FakeCookieJar } from './fakeCookieJar'

const denied = (): never => {
  throw new DOMException('The operation is insecure.', 'SecurityError')
}

describe('browserStorage', () => {
  it('uses localStorage when the browser allows it', () => {
    const storage = browserStorage({ local: () => window.localStorage, cookies: () => null })
    expect(storage.persistence).toBe('local')
    storage.setItem('a', '1')
    expect(window.localStorage.getItem('a')).toBe('1')
    expect(storage.isDurable('a')).toBe(true)
    storage.removeItem('a')
    expect(window.localStorage.getItem('a')).toBeNull()
  })

  it('falls back to partitioned cookies when the iframe is denied storage (access throws)', () => {
    const jar = new FakeCookieJar()
    const storage = browserStorage({ local: denied, cookies: () => new CookieStorage(jar) })
    expect(storage.persistence).toBe('cookie')
    storage.setItem('softphone:wrap-up:1001@pbx', '{"notes":"a; b=c"}')
    expect(new CookieStorage(jar).getItem('softphone:wrap-up:1001@pbx')).toBe('{"notes":"a; b=c"}')
    expect(storage.isDurable('softphone:wrap-up:1001@pbx')).toBe(true)
  })

  it('falls back to memory when neither localStorage nor cookies can be kept', () => {
    const storage = browserStorage({ local: denied, cookies: () => null })
    expect(storage.persistence).toBe('memory')
    expect(storage).toBeInstanceOf(MemoryStorage)
    storage.setItem('a', '1')
    expect(storage.getItem('a')).toBe('1')
    expect(storage.isDurable('a')).toBe(false)
  })

  it('falls back when writing fails at start (quota or private mode)', () => {
    const broken = { setItem: () => { throw new DOMException('full', 'QuotaExceededError') } } as unknown as Storage
    expect(browserStorage({ local: () => broken, cookies: () => null }).persistence).toBe('memory')
  })

  it('keeps a value the backend refuses later in memory, says it is not durable, and never throws', () => {
    let full = false
    const items = new Map<string, string>()
    const local = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full)
          throw new DOMException('full', 'QuotaExceededError')
        items.set(k, v)
      },
      removeItem: (k: string) => items.delete(k),
    } as unknown as Storage
    const storage = browserStorage({ local: () => local, cookies: () => null })
    storage.setItem('draft', 'short')
    full = true
    expect(() => storage.setItem('draft', 'much longer')).not.toThrow()
    expect(storage.getItem('draft')).toBe('much longer')
    expect(storage.isDurable('draft')).toBe(false)
    // What a reload would find is the last value that was stored.
    expect(items.get('draft')).toBe('short')
    full = false
    storage.setItem('draft', 'fits again')
    expect(storage.isDurable('draft')).toBe(true)
    expect(items.get('draft')).toBe('fits again')
  })
})
