/**
 * Which pages may embed the softphone and talk to it through the calling SDK.
 *
 * An entry is an exact origin (`https://app.hubspot.com`) or an origin with a port
 * wildcard (`http://localhost:*`). Pure: no window here, the guard lives in
 * `src/hubspot/originGuard.ts`.
 */

/** HubSpot's app domains (US, EU, the second NA data centre, Australia). */
export const HUBSPOT_APP_ORIGINS: readonly string[] = [
  'https://app.hubspot.com',
  'https://app-eu1.hubspot.com',
  'https://app-na2.hubspot.com',
  'https://app-ap1.hubspot.com',
]

/**
 * Added when the softphone itself runs on a loopback host (development, e2e): the
 * simulator serves host and widget on the two loopback names, either way round.
 */
export const LOOPBACK_ORIGINS: readonly string[] = [
  'http://localhost:*',
  'http://127.0.0.1:*',
  'https://localhost:*',
  'https://127.0.0.1:*',
]

const PATTERN = /^(https?):\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?$/i

/**
 * The canonical form of an allowlist entry, or `null` when it is not an `http(s)`
 * origin (no path, query, user or fragment; `:*` allows any port).
 */
export function parseOriginPattern(text: string): string | null {
  if (typeof text !== 'string') return null
  const trimmed = text.trim().replace(/\/$/, '')
  const m = PATTERN.exec(trimmed)
  if (!m) return null
  const [, scheme = '', host = '', port] = m
  if (port === '*') {
    const base = parseOriginPattern(`${scheme}://${host}`)
    return base === null ? null : `${base}:*`
  }
  try {
    const url = new URL(trimmed)
    if (url.username !== '' || url.password !== '') return null
    // URL normalises case, default ports and IDN: compare against that.
    return url.origin === 'null' ? null : url.origin
  } catch {
    return null
  }
}

/** Whether `origin` (as in `MessageEvent.origin`) matches one of the canonical `patterns`. */
export function isOriginAllowed(origin: string, patterns: readonly string[]): boolean {
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.origin !== origin) return false
  const noPort = `${url.protocol}//${url.hostname}`
  return patterns.some((p) => p === origin || (p.endsWith(':*') && p.slice(0, -2) === noPort))
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/**
 * The allowlist in force: the configured one (else HubSpot's app domains), plus the
 * loopback origins when the softphone's own page is on a loopback host.
 */
export function effectiveAllowedOrigins(configured: readonly string[] | undefined, ownHostname: string): string[] {
  const base = configured ?? HUBSPOT_APP_ORIGINS
  return LOOPBACK_HOSTS.has(ownHostname.toLowerCase()) ? [...base, ...LOOPBACK_ORIGINS] : [...base]
}
