/**
 * Key/value storage on partitioned cookies (CHIPS, `Partitioned; Secure; SameSite=None`), through
 * js-cookie. Chromium with third-party cookies blocked and storage partitioning off denies a
 * cross-site iframe `localStorage`, `sessionStorage`, IndexedDB and CacheStorage, but still accepts
 * partitioned cookies and keeps them across reloads (measured: README, *Reliability*).
 *
 * Chromium keeps at most 10 KiB of partitioned cookies per embedded site and top-level site (names
 * and values; the oldest are evicted past that), so this storage has a byte budget and refuses a
 * write that would exceed it (`QuotaExceededError`) rather than let the browser evict other values.
 * Values are URI-encoded and split over cookies of at most `CHUNK_CHARS` characters.
 */
import Cookies from 'js-cookie'
import type { KeyValueStorage } from './types'

/** Chromium's limit for partitioned cookies per partition is 10,240 bytes; keep a margin. */
export const COOKIE_BUDGET_BYTES = 9_000
const CHUNK_CHARS = 3_000
const PREFIX = 'sp.'
/** Cookies outlive the page; 30 days is plenty for a draft or a remembered extension. */
const ATTRIBUTES = { secure: true, sameSite: 'None', partitioned: true, path: '/', expires: 30 } as const

type CookieJar = Pick<typeof Cookies, 'get' | 'set' | 'remove'>

// js-cookie encodes names and values itself.
const chunkName = (key: string, index: number): string => `${PREFIX}${key}.${index}`
const countName = (key: string): string => `${PREFIX}${key}.n`

export class CookieStorage implements KeyValueStorage {
  constructor(private readonly jar: CookieJar = Cookies, private readonly budget = COOKIE_BUDGET_BYTES) {}

  getItem(key: string): string | null {
    const count = Number(this.jar.get(countName(key)))
    if (!Number.isInteger(count) || count < 1)
      return null
    let value = ''
    for (let i = 0; i < count; i++) {
      const chunk = this.jar.get(chunkName(key, i))
      if (chunk === undefined)
        return null // evicted or half-written: treat as absent rather than return a torn value
      value += chunk
    }
    return value
  }

  setItem(key: string, value: string): void {
    const chunks: string[] = []
    for (let i = 0; i < value.length; i += CHUNK_CHARS)
      chunks.push(value.slice(i, i + CHUNK_CHARS))
    if (chunks.length === 0)
      chunks.push('')
    const needed = chunks.reduce((sum, c, i) => sum + cookieBytes(chunkName(key, i), c), cookieBytes(countName(key), String(chunks.length)))
    if (this.bytesUsedExcept(key) + needed > this.budget)
      throw new DOMException(`The browser keeps at most ${this.budget} bytes of partitioned cookies for this page.`, 'QuotaExceededError')
    this.removeItem(key)
    chunks.forEach((chunk, i) => this.jar.set(chunkName(key, i), chunk, ATTRIBUTES))
    this.jar.set(countName(key), String(chunks.length), ATTRIBUTES)
    if (this.getItem(key) !== value) {
      this.removeItem(key)
      throw new DOMException('The browser did not keep the cookie.', 'QuotaExceededError')
    }
  }

  removeItem(key: string): void {
    const count = Number(this.jar.get(countName(key)))
    this.jar.remove(countName(key), ATTRIBUTES)
    for (let i = 0; i < (Number.isInteger(count) ? count : 0); i++)
      this.jar.remove(chunkName(key, i), ATTRIBUTES)
  }

  private bytesUsedExcept(key: string): number {
    const own = `${PREFIX}${key}.`
    return Object.entries(this.jar.get())
      .filter(([name]) => name.startsWith(PREFIX) && !name.startsWith(own))
      .reduce((sum, [name, value]) => sum + cookieBytes(name, value), 0)
  }
}

/** At least what Chromium counts for a cookie: its name and value as stored (js-cookie URI-encodes both, a few characters less). */
function cookieBytes(name: string, value: string): number {
  return encodeURIComponent(name).length + encodeURIComponent(value).length
}

/** A working cookie storage, or null when the browser keeps no partitioned cookie here (checked by writing one). */
export function partitionedCookieStorage(jar: CookieJar = Cookies): CookieStorage | null {
  try {
    const storage = new CookieStorage(jar)
    storage.setItem('probe', '1')
    const ok = storage.getItem('probe') === '1'
    storage.removeItem('probe')
    return ok ? storage : null
  }
  catch {
    return null
  }
}
