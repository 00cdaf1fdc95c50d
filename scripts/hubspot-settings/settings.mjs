// HubSpot's calling settings endpoints, for `npm run hubspot:settings`: what a request may
// contain (checked before anything is sent), the HTTP exchange (Node's fetch, honouring 429
// Retry-After), and how HubSpot's answers read on a terminal.
//
// The endpoints (HubSpot's calling SDK doc, "Using the calling settings endpoint", and the
// CRM API reference "Calling extensions → Settings / Recording settings"):
//   POST | GET | PATCH | DELETE  /crm/v3/extensions/calling/{appId}/settings
//     name, url, width, height, isReady, supportsCustomObjects, supportsInboundCalling,
//     usesRemote, usesCallingWindow (all required on POST)
//   POST | GET | PATCH           /crm/v3/extensions/calling/{appId}/settings/recording
//     urlToRetrieveAuthedRecording
// Authentication: the developer account's API key as the `hapikey` query parameter.

/** The environment variable holding the developer API key. Never taken from the command line. */
export const API_KEY_ENV = 'HUBSPOT_DEVELOPER_API_KEY'
/** Where the API lives; `HUBSPOT_API_URL` overrides it (a proxy, or the tests' own server). */
export const DEFAULT_API_URL = 'https://api.hubapi.com'
/** Widget size bounds in CSS px: the softphone's layout needs 200 × 200, HubSpot's panels are smaller than 1200. */
export const SIZE_LIMITS = Object.freeze({ min: 200, max: 1200 })
/** How often a 429 is retried, and the longest Retry-After honoured (longer: give up and say so). */
export const RATE_LIMIT = Object.freeze({ retries: 3, maxWaitSeconds: 120 })

/** The calling settings' boolean fields, in HubSpot's order, with the CLI flag that sets each. */
export const BOOLEAN_FIELDS = Object.freeze([
  ['isReady', 'ready'],
  ['supportsCustomObjects', 'supportsCustomObjects'],
  ['supportsInboundCalling', 'supportsInboundCalling'],
  ['usesRemote', 'usesRemote'],
  ['usesCallingWindow', 'usesCallingWindow'],
])
const SETTINGS_ORDER = ['name', 'url', 'width', 'height', ...BOOLEAN_FIELDS.map(([field]) => field), 'createdAt', 'updatedAt']

/** Bad input: nothing was sent. `problems` lists every one, so one run shows them all. */
export class UsageError extends Error {
  /** @param {string[]} problems */
  constructor(problems) {
    super(problems.join('\n'))
    this.name = 'UsageError'
    this.problems = problems
  }
}

/** HubSpot (or the network) said no. `message` is HubSpot's own, made readable. */
export class HubSpotError extends Error {
  /** @param {string} message @param {number | null} status */
  constructor(message, status) {
    super(message)
    this.name = 'HubSpotError'
    this.status = status
  }
}

const kebab = name => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)

/** `https://` with a host, else the reason. HubSpot loads the widget in an iframe of an https page. */
function httpsUrlProblem(flag, value) {
  let url
  try {
    url = new URL(value)
  }
  catch {
    return `--${flag} must be an absolute https:// URL, not "${value}".`
  }
  if (url.protocol !== 'https:')
    return `--${flag} must use https:// (HubSpot is served over https and will not frame or fetch ${url.protocol}// content), not "${value}".`
  if (url.username || url.password)
    return `--${flag} must not carry a user name or password.`
  return null
}

function sizeProblem(flag, value) {
  if (!Number.isInteger(value) || value < SIZE_LIMITS.min || value > SIZE_LIMITS.max)
    return `--${flag} must be a whole number of pixels from ${SIZE_LIMITS.min} to ${SIZE_LIMITS.max}, not ${JSON.stringify(value)}.`
  return null
}

/**
 * The request for an action, validated. `options` are the CLI's parsed options
 * (`appId`, `recording`, `name`, `url`, `width`, `height`, `ready`, `supportsCustomObjects`,
 * `supportsInboundCalling`, `usesRemote`, `usesCallingWindow`, `recordingUrl`).
 * @returns {{ method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown> }}
 * @throws {UsageError} listing every problem
 */
export function buildRequest(action, options) {
  const problems = []
  const { appId } = options
  if (!Number.isInteger(appId) || appId <= 0 || appId > 2 ** 31 - 1)
    problems.push(`--app-id must be your app's id, a positive whole number, not ${JSON.stringify(appId)}.`)
  const method = { get: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' }[action]
  if (!method)
    throw new UsageError([`Unknown action "${action}": use get, create, update or delete.`])
  const settingsGiven = ['name', 'url', 'width', 'height', ...BOOLEAN_FIELDS.map(([, option]) => option)]
    .filter(option => options[option] !== undefined)
  const path = `/crm/v3/extensions/calling/${appId}/settings${options.recording ? '/recording' : ''}`
  let body

  if (options.recording) {
    if (settingsGiven.length > 0)
      problems.push(`${settingsGiven.map(o => `--${kebab(o)}`).join(', ')} belong to the calling settings, not --recording.`)
    if (action === 'delete')
      problems.push('HubSpot\'s recording settings endpoint has no DELETE; change the URL with update --recording --recording-url.')
    if (action === 'create' || action === 'update') {
      if (options.recordingUrl === undefined)
        problems.push(`${action} --recording needs --recording-url <https URL> (urlToRetrieveAuthedRecording).`)
      else
        body = { urlToRetrieveAuthedRecording: options.recordingUrl }
    }
    else if (options.recordingUrl !== undefined) {
      problems.push(`--recording-url is sent only by create and update, not ${action}.`)
    }
    if (options.recordingUrl !== undefined) {
      const problem = httpsUrlProblem('recording-url', options.recordingUrl)
      if (problem)
        problems.push(problem)
    }
  }
  else {
    if (options.recordingUrl !== undefined)
      problems.push('--recording-url needs --recording (it goes to the recording settings endpoint).')
    if (action === 'get' || action === 'delete') {
      if (settingsGiven.length > 0)
        problems.push(`${action} takes no settings (${settingsGiven.map(o => `--${kebab(o)}`).join(', ')}).`)
    }
    else {
      body = {}
      if (options.name !== undefined) {
        const name = String(options.name).trim()
        if (name === '')
          problems.push('--name must not be empty: HubSpot shows it to agents as the calling provider\'s name.')
        body.name = name
      }
      if (options.url !== undefined) {
        const problem = httpsUrlProblem('url', options.url)
        if (problem)
          problems.push(problem)
        body.url = options.url
      }
      for (const field of ['width', 'height']) {
        if (options[field] === undefined)
          continue
        const problem = sizeProblem(field, options[field])
        if (problem)
          problems.push(problem)
        body[field] = options[field]
      }
      for (const [field, option] of BOOLEAN_FIELDS) {
        if (options[option] !== undefined)
          body[field] = options[option]
      }
      if (action === 'create') {
        // HubSpot requires every field on POST; an unset switch is false (isReady false = testing).
        for (const field of ['name', 'url', 'width', 'height']) {
          if (options[field] === undefined)
            problems.push(`create needs --${field}.`)
        }
        for (const [field] of BOOLEAN_FIELDS)
          body[field] ??= false
      }
      else if (settingsGiven.length === 0) {
        problems.push('update needs at least one setting to change (e.g. --ready, --url …).')
      }
    }
  }
  if (problems.length > 0)
    throw new UsageError(problems)
  return body === undefined ? { method, path } : { method, path, body }
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Milliseconds to wait, or null
 * when the header is missing or unreadable.
 */
export function retryAfterMs(value, now = Date.now()) {
  if (value == null || value.trim() === '')
    return null
  if (/^\d+$/.test(value.trim()))
    return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** Removes the API key from anything about to be printed. */
export function redact(text, apiKey) {
  return apiKey ? String(text).split(apiKey).join('[API key]') : String(text)
}

/**
 * HubSpot's error body (`{ status: 'error', message, category, correlationId, errors: [{ message, in }] }`,
 * HubSpot's "Error handling" doc) as lines for a terminal; the plain body when it is not JSON.
 */
export function describeError(status, statusText, text) {
  let body = null
  try {
    body = JSON.parse(text)
  }
  catch { /* not JSON: show it as it came */ }
  const lines = [`HubSpot answered ${status}${statusText ? ` ${statusText}` : ''}: ${body?.message ?? (text.trim() || 'no explanation given')}`]
  for (const detail of Array.isArray(body?.errors) ? body.errors : []) {
    if (detail?.message && detail.message !== body.message)
      lines.push(`  - ${detail.in ? `${detail.in}: ` : ''}${detail.message}`)
  }
  const tags = [
    body?.category && `category ${body.category}`,
    body?.errorType && `type ${body.errorType}`,
    body?.correlationId && `correlationId ${body.correlationId}`,
  ].filter(Boolean)
  if (tags.length > 0)
    lines.push(`  (${tags.join(', ')})`)
  if (status === 401)
    lines.push(`  Check ${API_KEY_ENV}: it must be the developer account's API key of the account that owns the app.`)
  if (status === 404)
    lines.push('  Check --app-id (the app\'s id in your developer account), or create the settings first.')
  return lines.join('\n')
}

/**
 * Sends one request to HubSpot, retrying a 429 after its Retry-After (up to RATE_LIMIT.retries
 * times; 1 s when HubSpot gives none). Resolves to `{ status, body }` (body parsed JSON, or null).
 * @throws {HubSpotError} on any other 4xx/5xx, on a 429 that persists, or when HubSpot is unreachable
 */
export async function send(request, { apiKey, apiUrl = DEFAULT_API_URL, fetchImpl = fetch, sleep = ms => new Promise(r => setTimeout(r, ms)), log = () => {} }) {
  const url = new URL(request.path, apiUrl)
  url.searchParams.set('hapikey', apiKey)
  for (let attempt = 0; ; attempt++) {
    let response
    try {
      response = await fetchImpl(url, {
        method: request.method,
        headers: { 'accept': 'application/json', ...(request.body ? { 'content-type': 'application/json' } : {}) },
        body: request.body ? JSON.stringify(request.body) : undefined,
        signal: globalThis.AbortSignal.timeout(30_000),
      })
    }
    catch (error) {
      const cause = error?.cause?.message ?? error?.message ?? String(error)
      throw new HubSpotError(redact(`Could not reach HubSpot at ${new URL(apiUrl).origin}: ${cause}`, apiKey), null)
    }
    const text = await response.text()
    if (response.ok) {
      let body = null
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text)
        }
        catch {
          body = text
        }
      }
      return { status: response.status, body }
    }
    const message = redact(describeError(response.status, response.statusText, text), apiKey)
    if (response.status === 429 && attempt < RATE_LIMIT.retries) {
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? 1000
      if (wait > RATE_LIMIT.maxWaitSeconds * 1000)
        throw new HubSpotError(`${message}\n  HubSpot asks to wait ${Math.round(wait / 1000)} s (Retry-After); try again later.`, 429)
      log(`${message}\n  Retrying in ${wait / 1000} s, as HubSpot's Retry-After asks (retry ${attempt + 1} of ${RATE_LIMIT.retries}).`)
      await sleep(wait)
      continue
    }
    throw new HubSpotError(message, response.status)
  }
}

/** Which HubSpot layout a set of calling settings gives (README, "Registering the app in HubSpot"). */
export function describeLayout(settings) {
  if (settings.usesRemote && settings.usesCallingWindow)
    return 'the calling remote plus the calling window (the call lives in the window and survives page loads)'
  if (settings.usesRemote)
    return 'the calling remote in HubSpot\'s navigation bar'
  if (settings.usesCallingWindow)
    return 'usesCallingWindow without usesRemote is none of the layouts this softphone knows: the calling window goes with the remote (--uses-remote)'
  return settings.supportsInboundCalling
    ? 'supportsInboundCalling without usesRemote: inbound calls ring in the remote or the calling window (--uses-remote)'
    : 'the record-page widget only (outbound calls from a record)'
}

/** HubSpot's settings answer as aligned `field  value` lines, HubSpot's field names first in its order. */
export function formatSettings(settings) {
  if (settings === null || typeof settings !== 'object')
    return String(settings ?? '(empty answer)')
  const keys = [...SETTINGS_ORDER.filter(k => k in settings), ...Object.keys(settings).filter(k => !SETTINGS_ORDER.includes(k))]
  const width = Math.max(...keys.map(k => k.length))
  const lines = keys.map(k => `  ${k.padEnd(width)}  ${typeof settings[k] === 'object' ? JSON.stringify(settings[k]) : settings[k]}`)
  if ('usesRemote' in settings || 'usesCallingWindow' in settings)
    lines.push('', `  HubSpot layout: ${describeLayout(settings)}`)
  return lines.join('\n')
}
