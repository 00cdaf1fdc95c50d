import { describe, expect, it } from 'vitest'
import { browserStorage, MemoryStorage } from '@/config/storage'

describe('browserStorage', () => {
  it('uses localStorage when the browser allows it', () => {
    const { storage, persistent } = browserStorage(() => window.localStorage)
    expect(persistent).toBe(true)
    expect(storage).toBe(window.localStorage)
  })

  it('falls back to memory when third-party storage is blocked (access throws)', () => {
    const { storage, persistent } = browserStorage(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    })
    expect(persistent).toBe(false)
    expect(storage).toBeInstanceOf(MemoryStorage)
    storage.setItem('a', '1')
    expect(storage.getItem('a')).toBe('1')
  })

  it('falls back to memory when writing fails (quota or private mode)', () => {
    const broken = { setItem: () => { throw new Error('QuotaExceededError') } } as unknown as Storage
    expect(browserStorage(() => broken).persistent).toBe(false)
  })
})
