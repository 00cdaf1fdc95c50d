/**
 * Key/value storage on partitioned cookies (CHIPS, `Partitioned; Secure; SameSite=None`), through
 * js-cookie. Chromium with third-party cookies blocked and storage partitioning off denies a
 * cross-site iframe `localStorage`, `sessionStorage`, IndexedDB and CacheStorage, but still accepts
 * partitioned cookies and keeps them across reloads (measured: README, *Reliability*).
 *
 * Chromium keeps at most 10 KiB of partitioned cookies per embedded site and top-level site (names
 * and values; the oldest are evicted past that) and every request carries them, so this storage has a
 * byte budget (`COOKIE_BUDGET_BYTES`) and refuses a write that would exceed it (`QuotaExceededError`)
 * rather than let the browser evict other values.
 * Values are URI-encoded here and split over cookies of at most `CHUNK_CHARS` encoded characters
 * (browsers keep at most 4,096 bytes per cookie), never inside a `%XX` escape.
 */
import Cookies from 'js-cookie'
import type { KeyValueStorage } from './types'

/**
 * Chromium keeps 10,240 bytes of partitioned cookies per partition, but every request to the widget's
 * origin carries them in one `Cookie` header, and common servers refuse a header line over 8 KB (nginx's
 * `large_client_header_buffers 4 8k`, Apache's `LimitRequestFieldSize 8190`) with a 400, which would leave
 * the iframe blank: stay well below that.
 */
export const COOKIE_BUDGET_BYTES = 6_000
const CHUNK_CHARS = 3_000
const PREFIX = 'sp.'
/** Cookies outlive the page; 30 days is plenty for a draft or a remembered extension. */
const ATTRIBUTES = { secure: true, sameSite: 'None', partitioned: true, path: '/', expires: 30 } as const

type CookieJar = Pick<typeof Cookies, 'get' | 'set' | 'remove'>

/** js-cookie without its own value encoding: values are encoded (and split) here. */
const RAW_COOKIES: CookieJar = Cookies.withConverter({ read: value => value, write: value => String(value) })

/** Splits a URI-encoded string into pieces of at most `size` characters, never inside a `%XX` escape. */
export function splitEncoded(encoded: string, size: number): string[] {
  const pieces: string[] = []
  let at = 0
  while (at < encoded.length) {
    let end = Math.min(at + size, encoded.length)
    const escape = encoded.lastIndexOf('%', end - 1)
    if (escape > at && escape > end - 3 && end < encoded.length)
      end = escape
    pieces.push(encoded.slice(at, end))
    at = end
  }
  return pieces.length > 0 ? pieces : ['']
}

// js-cookie encodes names and values itself.
const chunkName = (key: string, index: number): string => `${PREFIX}${key}.${index}`
const countName = (key: string): string => `${PREFIX}${key}.n`

export class CookieStorage implements KeyValueStorage {
  constructor(private readonly jar: CookieJar = RAW_COOKIES, private readonly budget = COOKIE_BUDGET_BYTES) {}

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
    try {
      return decodeURIComponent(value)
    }
    catch {
      return null
    }
  }

  setItem(key: string, value: string): void {
    const chunks = splitEncoded(encodeURIComponent(value), CHUNK_CHARS)
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

/** At least what a cookie adds to the `Cookie` header: `; name=value` (the value is already encoded; js-cookie encodes the name). */
function cookieBytes(name: string, encodedValue: string): number {
  return encodeURIComponent(name).length + encodedValue.length + 3
}

/** A working cookie storage, or null when the browser keeps no partitioned cookie here (checked by writing one). */
export function partitionedCookieStorage(jar: CookieJar = RAW_COOKIES): CookieStorage | null {
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
