/**
 * A local HTTP server that answers as HubSpot's documented calling settings API does
 * (CRM API reference, "Calling extensions → Settings" and "Recording settings"; HubSpot's
 * "Error handling" doc for the error bodies and 429 + Retry-After):
 *
 *   POST   /crm/v3/extensions/calling/{appId}/settings   201 + the settings (createdAt/updatedAt);
 *          400 VALIDATION_ERROR when a required field is missing or of the wrong type
 *   GET    …/settings                                     200, or 404 when none were created
 *   PATCH  …/settings                                     200 + the merged settings, 404 when none
 *   DELETE …/settings                                     204, 404 when none
 *   POST | GET | PATCH …/settings/recording               urlToRetrieveAuthedRecording
 *   any    without the right `hapikey`                    401 INVALID_AUTHENTICATION
 *   any    for an app the developer account does not own  404
 *
 * `answerNext` queues answers for the next requests (429 with Retry-After, a 400 of HubSpot's).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  at: number
}

export interface CannedAnswer {
  status: number
  headers?: Record<string, string>
  body?: unknown
}

const REQUIRED: Record<string, 'string' | 'number' | 'boolean'> = {
  name: 'string',
  url: 'string',
  height: 'number',
  width: 'number',
  isReady: 'boolean',
  supportsCustomObjects: 'boolean',
  supportsInboundCalling: 'boolean',
  usesRemote: 'boolean',
  usesCallingWindow: 'boolean',
}

let correlation = 0
const error = (message: string, category: string, extra: Record<string, unknown> = {}) =>
  ({ status: 'error', message, correlationId: `c0ffee00-0000-4000-8000-${String(++correlation).padStart(12, '0')}`, category, ...extra })

export interface FakeHubSpotApi {
  url: string
  requests: RecordedRequest[]
  settings: Map<number, Record<string, unknown>>
  recording: Map<number, Record<string, unknown>>
  answerNext: (...answers: CannedAnswer[]) => void
  close: () => Promise<void>
}

export async function startFakeHubSpotApi({ apiKey, apps }: { apiKey: string, apps: number[] }): Promise<FakeHubSpotApi> {
  const requests: RecordedRequest[] = []
  const settings = new Map<number, Record<string, unknown>>()
  const recording = new Map<number, Record<string, unknown>>()
  const canned: CannedAnswer[] = []

  function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json;charset=utf-8', ...headers })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    let body: unknown = null
    if (raw !== '') {
      try {
        body = JSON.parse(raw)
      }
      catch {
        return reply(res, 400, error(`Invalid input JSON on line 1, column 1: ${raw.slice(0, 20)}`, 'VALIDATION_ERROR'))
      }
    }
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body, at: Date.now() })
    const next = canned.shift()
    if (next)
      return reply(res, next.status, next.body, next.headers)
    if (url.searchParams.get('hapikey') !== apiKey) {
      return reply(res, 401, error('The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/', 'INVALID_AUTHENTICATION',
        { links: { 'api key': 'https://app.hubspot.com/l/api-key/' } }))
    }
    const match = /^\/crm\/v3\/extensions\/calling\/(\d+)\/settings(\/recording)?$/.exec(url.pathname)
    if (!match)
      return reply(res, 404, error(`Unable to find a route for ${req.method} ${url.pathname}`, 'OBJECT_NOT_FOUND'))
    const appId = Number(match[1])
    if (!apps.includes(appId))
      return reply(res, 404, error(`App ${appId} was not found in this developer account`, 'OBJECT_NOT_FOUND'))
    const store = match[2] ? recording : settings
    const now = new Date().toISOString()
    const current = store.get(appId)
    const fields = (body ?? {}) as Record<string, unknown>
    switch (req.method) {
      case 'POST': {
        const required = match[2] ? { urlToRetrieveAuthedRecording: 'string' } : REQUIRED
        const missing = Object.entries(required).filter(([k, type]) => typeof fields[k] !== type).map(([k]) => k)
        if (missing.length > 0) {
          return reply(res, 400, error(`Invalid input JSON on line 1, column 2: Cannot build request, some of required attributes are not set [${missing.join(', ')}]`,
            'VALIDATION_ERROR', { errors: missing.map(k => ({ message: `${k} is required`, in: k })) }))
        }
        const created = { ...fields, createdAt: now, updatedAt: now }
        store.set(appId, created)
        return reply(res, 201, created)
      }
      case 'GET':
        return current ? reply(res, 200, current) : reply(res, 404, error(`No settings found for app ${appId}`, 'OBJECT_NOT_FOUND'))
      case 'PATCH': {
        if (!current)
          return reply(res, 404, error(`No settings found for app ${appId}`, 'OBJECT_NOT_FOUND'))
        const updated = { ...current, ...fields, updatedAt: now }
        store.set(appId, updated)
        return reply(res, 200, updated)
      }
      case 'DELETE':
        if (match[2])
          return reply(res, 405, error('Method not allowed', 'METHOD_NOT_ALLOWED'))
        if (!current)
          return reply(res, 404, error(`No settings found for app ${appId}`, 'OBJECT_NOT_FOUND'))
        store.delete(appId)
        return reply(res, 204)
      default:
        return reply(res, 405, error('Method not allowed', 'METHOD_NOT_ALLOWED'))
    }
  }

  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { raw += chunk })
    req.on('end', () => handle(req, res, raw))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    settings,
    recording,
    answerNext: (...answers) => canned.push(...answers),
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  }
}
