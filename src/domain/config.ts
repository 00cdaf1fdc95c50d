/**
 * Run-time configuration: `config.json` next to the app, overridden by query
 * parameters so one build serves every deployment and a developer can point
 * it at another PBX without editing files.
 *
 * Parsing collects every problem instead of stopping at the first, and names
 * the field in each message: whoever deploys reads them on a setup screen,
 * and fixing five mistakes should not take five reloads.
 */
import { type AppLocale, SUPPORTED_LOCALES, supportedLocaleOf } from '@/domain/locale'
import { parseOriginPattern } from '@/domain/origins'
import { toRegion } from '@/domain/phoneNumber'
import { t } from '@/i18n'

export interface IceServerConfig {
  urls: string | string[]
  username?: string
  credential?: string
}

/** Prefills the sign-in form in local development. Never used on a deployed host. */
export interface DevLogin {
  extension: string
  password: string
  displayName?: string
}

export interface AppConfig {
  /** `wss://…` WebSocket URL of the PBX (`ws://` only for localhost). */
  pbxUrl: string
  /** The SIP domain, lower-cased: a hostname, an IPv4 address or a bracketed IPv6 address. */
  sipDomain: string
  iceServers: IceServerConfig[]
  /** ISO alpha-2, upper-cased, for numbers dialled without a country code. */
  defaultCountry?: string
  ringTimeoutSeconds: number
  /**
   * How long a call is kept while the WebSocket to the PBX is lost (seconds). Within it the
   * softphone reconnects, REGISTERs and re-INVITEs the call onto the new connection; after it
   * the call ends FAILED (with a BYE once a connection exists).
   */
  callReconnectSeconds: number
  debug: boolean
  /**
   * How keypad presses reach the PBX in a call: `rfc4733` (the default) = RTP telephone-events,
   * `info` = SIP INFO (application/dtmf-relay), for PBXs that ignore telephone-events.
   */
  dtmfMode?: DtmfMode
  /**
   * **Test only** (RTCConfiguration.iceTransportPolicy, W3C WebRTC §4.2.1): `relay` makes every
   * call use only the TURN servers in `iceServers` (no host or server-reflexive candidates), to
   * prove a TURN deployment. Unset = `all`, what production wants: never set it for agents.
   */
  iceTransportPolicy?: 'all' | 'relay'
  devLogin?: DevLogin
  /**
   * Origins allowed to embed the softphone and talk to it (`https://app.hubspot.com`,
   * `http://localhost:*`), canonical. Only from config.json; unset = HubSpot's app domains
   * (see `effectiveAllowedOrigins` in `@/domain/origins`).
   */
  allowedOrigins?: string[]
  /**
   * The language of every screen (`en`, `de`, `fr`, `es`; a regional tag such as `de-AT` means
   * its language). Unset = the best match for the browser's languages, else English.
   */
  locale?: AppLocale
}

export interface ConfigError {
  /** The field's path, e.g. `pbxUrl` or `iceServers[1].urls`. */
  field: string
  message: string
}

export type ConfigResult = { ok: true, config: AppConfig } | { ok: false, errors: ConfigError[] }

export const DEFAULT_RING_TIMEOUT_SECONDS = 45
export const MIN_RING_TIMEOUT_SECONDS = 5
export const MAX_RING_TIMEOUT_SECONDS = 300
export const DEFAULT_CALL_RECONNECT_SECONDS = 30
export const MIN_CALL_RECONNECT_SECONDS = 1
export const MAX_CALL_RECONNECT_SECONDS = 300

const LOCAL_HOSTS: Readonly<Set<string>> = new Set(['localhost', '127.0.0.1', '::1', '[::1]'])

export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname.toLowerCase())
}

/** Where a value came from, so the message can say where to fix it. */
type Source = 'file' | 'query'

interface Value {
  value: unknown
  source: Source
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function where(source: Source): string {
  return source === 'query' ? t('config.fromUrl') : ''
}

/** Short, one-line rendering of a bad value for messages. */
function show(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value)
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine
}

/** A query parameter that is present and not empty overrides the file's value. */
function pick(file: Record<string, unknown>, query: URLSearchParams, key: string): Value | undefined {
  const fromQuery = query.get(key)
  if (fromQuery !== null && fromQuery.trim() !== '') return { value: fromQuery.trim(), source: 'query' }
  if (file[key] !== undefined && file[key] !== null) return { value: file[key], source: 'file' }
  return undefined
}

type Errors = ConfigError[]

/** Records a problem; returns `undefined` so parsers can `return add(...)`. */
function add(errors: Errors, field: string, message: string): undefined {
  errors.push({ field, message })
  return undefined
}

function parsePbxUrl(v: Value | undefined, errors: Errors): string | undefined {
  const field = 'pbxUrl'
  if (v === undefined) return add(errors, field, t('config.pbxUrlRequired'))
  if (typeof v.value !== 'string') return add(errors, field, t('config.notText', { value: show(v.value) }))
  let url: URL
  try {
    url = new URL(v.value)
  } catch {
    return add(errors, field, t('config.notUrl', { value: show(v.value), where: where(v.source) }))
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    return add(errors, field, t('config.notWebSocket', { scheme: `${url.protocol}//`, where: where(v.source) }))
  }
  if (url.protocol === 'ws:' && !isLocalHost(url.hostname)) {
    return add(errors, field, t('config.notSecure', { where: where(v.source) }))
  }
  if (url.username !== '' || url.password !== '') {
    return add(errors, field, t('config.credentialsInUrl', { where: where(v.source) }))
  }
  return v.value
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/

export function isValidSipDomain(domain: string): boolean {
  if (IPV4.test(domain)) return true
  if (BRACKETED_IPV6.test(domain)) {
    // Let the URL parser judge the address itself.
    try {
      return new URL(`http://${domain}/`).hostname === domain
    } catch {
      return false
    }
  }
  if (domain.length > 253) return false
  const labels = domain.split('.')
  // An all-digit last label would be a malformed IPv4 address, not a hostname.
  return labels.every((label) => HOST_LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1] ?? '')
}

function parseSipDomain(v: Value | undefined, errors: Errors): string | undefined {
  const field = 'sipDomain'
  if (v === undefined) return add(errors, field, t('config.sipDomainRequired'))
  if (typeof v.value !== 'string') return add(errors, field, t('config.notText', { value: show(v.value) }))
  const domain = v.value.trim().toLowerCase()
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(domain) || domain.startsWith('sip:') || domain.startsWith('sips:')) {
    return add(errors, field, t('config.domainScheme', { where: where(v.source) }))
  }
  if (domain.includes('@')) return add(errors, field, t('config.domainUser', { where: where(v.source) }))
  if (!isValidSipDomain(domain)) {
    return add(errors, field, t('config.notHost', { value: show(v.value), where: where(v.source) }))
  }
  return domain
}

const ICE_SCHEME = /^(stuns?|turns?):/i

function parseIceUrl(url: unknown, field: string, errors: Errors): string | undefined {
  if (typeof url !== 'string' || url.trim() === '') return add(errors, field, t('config.iceUrlType', { value: show(url) }))
  const trimmed = url.trim()
  if (!ICE_SCHEME.test(trimmed)) {
    return add(errors, field, t('config.iceUrlScheme', { value: show(trimmed) }))
  }
  if (/\s/.test(trimmed)) return add(errors, field, t('config.iceUrlSpaces', { value: show(trimmed) }))
  return trimmed
}

const isTurn = (url: string): boolean => /^turns?:/i.test(url)

function parseIceServer(raw: unknown, field: string, errors: Errors): IceServerConfig | undefined {
  if (!isRecord(raw)) return add(errors, field, t('config.iceServerObject', { example: '{"urls": "stun:stun.example.com:3478"}' }))
  const before = errors.length
  let urls: string | string[] | undefined
  if (typeof raw.urls === 'string') {
    urls = parseIceUrl(raw.urls, `${field}.urls`, errors)
  } else if (Array.isArray(raw.urls) && raw.urls.length > 0) {
    const parsed = raw.urls.map((u, i) => parseIceUrl(u, `${field}.urls[${i}]`, errors))
    urls = parsed.filter((u): u is string => u !== undefined)
  } else {
    add(errors, `${field}.urls`, t('config.iceUrlsRequired'))
  }
  const server: IceServerConfig = { urls: urls ?? [] }
  for (const key of ['username', 'credential'] as const) {
    const value = raw[key]
    if (value === undefined) continue
    if (typeof value !== 'string') add(errors, `${field}.${key}`, t('config.textValue'))
    else server[key] = value
  }
  const needsCredentials = [server.urls].flat().some(isTurn)
  if (needsCredentials && (server.username === undefined || server.credential === undefined)) {
    add(errors, field, t('config.turnCredentials'))
  }
  return errors.length === before ? server : undefined
}

function parseIceServers(v: Value | undefined, errors: Errors): IceServerConfig[] {
  const field = 'iceServers'
  if (v === undefined) return []
  if (v.source === 'query') {
    const urls = String(v.value).split(',').map((u) => u.trim()).filter((u) => u !== '')
    const servers: IceServerConfig[] = []
    urls.forEach((u, i) => {
      const url = parseIceUrl(u, `${field}[${i}]`, errors)
      if (url === undefined) return
      if (isTurn(url)) {
        add(errors, `${field}[${i}]`, t('config.turnInUrl', { value: show(url) }))
        return
      }
      servers.push({ urls: url })
    })
    return servers
  }
  if (!Array.isArray(v.value)) return add(errors, field, t('config.iceServersList', { example: '[{"urls": "stun:stun.example.com:3478"}]' })) ?? []
  return v.value
    .map((raw, i) => parseIceServer(raw, `${field}[${i}]`, errors))
    .filter((s): s is IceServerConfig => s !== undefined)
}

function parseDefaultCountry(v: Value | undefined, errors: Errors): string | undefined {
  if (v === undefined) return undefined
  const region = typeof v.value === 'string' ? toRegion(v.value) : undefined
  if (region === undefined) {
    return add(errors, 'defaultCountry', t('config.country', { value: show(v.value), where: where(v.source) }))
  }
  return region
}

/** A whole number of seconds within [min, max]; `fallback` when absent (or wrong, with the error recorded). */
function parseSeconds(field: string, v: Value | undefined, bounds: { min: number, max: number, fallback: number }, errors: Errors): number {
  const { min, max, fallback } = bounds
  if (v === undefined) return fallback
  let n: number | undefined
  if (typeof v.value === 'number') n = v.value
  else if (v.source === 'query' && typeof v.value === 'string' && /^[0-9]+$/.test(v.value)) n = Number(v.value)
  if (n === undefined || !Number.isInteger(n)) {
    return add(errors, field, t('config.seconds', { min, max, value: show(v.value), where: where(v.source) })) ?? fallback
  }
  if (n < min || n > max) {
    return add(errors, field, t('config.secondsRange', { min, max, value: n, where: where(v.source) })) ?? fallback
  }
  return n
}

function parseRingTimeout(v: Value | undefined, errors: Errors): number {
  return parseSeconds('ringTimeoutSeconds', v, { min: MIN_RING_TIMEOUT_SECONDS, max: MAX_RING_TIMEOUT_SECONDS, fallback: DEFAULT_RING_TIMEOUT_SECONDS }, errors)
}

function parseCallReconnect(v: Value | undefined, errors: Errors): number {
  return parseSeconds('callReconnectSeconds', v, { min: MIN_CALL_RECONNECT_SECONDS, max: MAX_CALL_RECONNECT_SECONDS, fallback: DEFAULT_CALL_RECONNECT_SECONDS }, errors)
}

function parseDebug(v: Value | undefined, errors: Errors): boolean {
  if (v === undefined) return false
  if (typeof v.value === 'boolean') return v.value
  if (v.source === 'query' && typeof v.value === 'string') {
    const text = v.value.toLowerCase()
    if (text === '1' || text === 'true') return true
    if (text === '0' || text === 'false') return false
    return add(errors, 'debug', t('config.debugQuery', { value: show(v.value), where: where(v.source) })) ?? false
  }
  return add(errors, 'debug', t('config.debugFile', { value: show(v.value) })) ?? false
}

export type DtmfMode = 'rfc4733' | 'info'

function parseDtmfMode(v: Value | undefined, errors: Errors): DtmfMode | undefined {
  if (v === undefined) return undefined
  const text = typeof v.value === 'string' ? v.value.trim().toLowerCase() : undefined
  if (text === 'rfc4733' || text === 'info') return text
  return add(errors, 'dtmfMode', t('config.dtmfMode', { value: show(v.value), where: where(v.source) }))
}

function parseLocale(v: Value | undefined, errors: Errors): AppLocale | undefined {
  if (v === undefined) return undefined
  const locale = typeof v.value === 'string' ? supportedLocaleOf(v.value) : null
  if (locale !== null) return locale
  return add(errors, 'locale', t('config.locale', { value: show(v.value), where: where(v.source), supported: SUPPORTED_LOCALES.join(', ') }))
}

function parseIceTransportPolicy(v: Value | undefined, errors: Errors): 'all' | 'relay' | undefined {
  if (v === undefined) return undefined
  const text = typeof v.value === 'string' ? v.value.trim().toLowerCase() : undefined
  if (text === 'all' || text === 'relay') return text
  return add(errors, 'iceTransportPolicy', t('config.iceTransportPolicy', { value: show(v.value), where: where(v.source) }))
}

function parseDevLogin(raw: unknown, location: { hostname: string }, errors: Errors): DevLogin | undefined {
  const field = 'devLogin'
  if (raw === undefined || raw === null) return undefined
  if (!isRecord(raw)) return add(errors, field, t('config.devLoginObject', { example: '{"extension": "1001", "password": "…"}' }))
  const before = errors.length
  const { extension, password, displayName } = raw
  let ext: string | undefined
  if (typeof extension === 'number' && Number.isInteger(extension) && extension >= 0) ext = String(extension)
  else if (typeof extension === 'string' && extension.trim() !== '') ext = extension.trim()
  else add(errors, `${field}.extension`, t('config.devLoginExtension'))
  if (typeof password !== 'string' || password === '') add(errors, `${field}.password`, t('config.devLoginPassword'))
  if (displayName !== undefined && typeof displayName !== 'string') add(errors, `${field}.displayName`, t('config.textValue'))
  if (errors.length !== before || ext === undefined || typeof password !== 'string') return undefined
  // Only honoured when the app itself runs on this machine: a deployed
  // config.json should not hold a password, and if it does we do not use it.
  if (!isLocalHost(location.hostname)) return undefined
  return typeof displayName === 'string' ? { extension: ext, password, displayName } : { extension: ext, password }
}

/**
 * `allowedOrigins` comes from config.json only: a URL parameter could be set by whoever
 * frames the widget, which is exactly who the list keeps out.
 */
function parseAllowedOrigins(raw: unknown, query: URLSearchParams, errors: Errors): string[] | undefined {
  const field = 'allowedOrigins'
  if (query.has(field)) add(errors, field, t('config.fileOnly'))
  if (raw === undefined || raw === null) return undefined
  if (!Array.isArray(raw) || raw.length === 0) {
    return add(errors, field, t('config.originsList', { example: '["https://app.hubspot.com", "https://app-eu1.hubspot.com"]' }))
  }
  const out: string[] = []
  raw.forEach((entry, i) => {
    const origin = typeof entry === 'string' ? parseOriginPattern(entry) : null
    if (origin === null) {
      add(errors, `${field}[${i}]`, t('config.origin', { value: show(entry) }))
      return
    }
    if (!out.includes(origin)) out.push(origin)
  })
  return out
}

/**
 * `file` is the parsed `config.json` (`null` when there is none), `query` the
 * page's query string, `location` the page's own location.
 */
export function parseConfig(file: unknown, query: URLSearchParams, location: { hostname: string }): ConfigResult {
  const errors: Errors = []
  let source: Record<string, unknown> = {}
  if (isRecord(file)) source = file
  else if (file !== null && file !== undefined) add(errors, 'config.json', t('config.jsonObject', { value: show(file) }))

  const pbxUrl = parsePbxUrl(pick(source, query, 'pbxUrl'), errors)
  const sipDomain = parseSipDomain(pick(source, query, 'sipDomain'), errors)
  const iceQuery = query.get('iceServers')
  // `?iceServers=` (empty) explicitly means "no STUN/TURN", unlike other fields.
  const iceServers = iceQuery !== null
    ? parseIceServers({ value: iceQuery, source: 'query' }, errors)
    : parseIceServers(pick(source, query, 'iceServers'), errors)
  const defaultCountry = parseDefaultCountry(pick(source, query, 'defaultCountry'), errors)
  const ringTimeoutSeconds = parseRingTimeout(pick(source, query, 'ringTimeoutSeconds'), errors)
  const callReconnectSeconds = parseCallReconnect(pick(source, query, 'callReconnectSeconds'), errors)
  const debug = parseDebug(pick(source, query, 'debug'), errors)
  const dtmfMode = parseDtmfMode(pick(source, query, 'dtmfMode'), errors)
  const iceTransportPolicy = parseIceTransportPolicy(pick(source, query, 'iceTransportPolicy'), errors)
  const locale = parseLocale(pick(source, query, 'locale'), errors)
  const devLogin = parseDevLogin(source.devLogin, location, errors)
  const allowedOrigins = parseAllowedOrigins(source.allowedOrigins, query, errors)

  if (errors.length > 0 || pbxUrl === undefined || sipDomain === undefined) {
    return { ok: false, errors: errors }
  }
  const config: AppConfig = { pbxUrl, sipDomain, iceServers, ringTimeoutSeconds, callReconnectSeconds, debug }
  if (defaultCountry !== undefined) config.defaultCountry = defaultCountry
  if (dtmfMode !== undefined) config.dtmfMode = dtmfMode
  if (iceTransportPolicy !== undefined) config.iceTransportPolicy = iceTransportPolicy
  if (devLogin !== undefined) config.devLogin = devLogin
  if (allowedOrigins !== undefined) config.allowedOrigins = allowedOrigins
  if (locale !== undefined) config.locale = locale
  return { ok: true, config }
}
