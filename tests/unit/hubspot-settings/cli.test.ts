// @vitest-environment node
/**
 * `npm run hubspot:settings` against a local server that answers as HubSpot's calling settings
 * API does (fakeHubSpotApi.ts): the request HubSpot receives, what the admin reads, the exit code.
 */
import { execFile } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { run } from '../../../scripts/hubspot-settings/cli.mjs'
import { buildRequest, describeLayout, HubSpotError, retryAfterMs, send, UsageError } from '../../../scripts/hubspot-settings/settings.mjs'
import type { FakeHubSpotApi } from './fakeHubSpotApi'
import { startFakeHubSpotApi } from './fakeHubSpotApi'

const API_KEY = 'dev-key-5b1f0c2e-9a7d-4e21-b3c4-0d6f7a8e9b10'
const APP_ID = 424242
const WIDGET_URL = 'https://softphone.example.com/?sipDomain=pbx.example.com'
const CREATE = ['create', '--app-id', String(APP_ID), '--name', 'SIP Softphone', '--url', WIDGET_URL, '--width', '400', '--height', '600']

let api: FakeHubSpotApi

interface Result { code: number, out: string, err: string, waits: number[] }

async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  let out = ''
  let err = ''
  const waits: number[] = []
  const code = await run(argv, {
    env: { HUBSPOT_DEVELOPER_API_KEY: API_KEY, HUBSPOT_API_URL: api.url, ...env },
    stdout: (s) => { out += s },
    stderr: (s) => { err += s },
    // Real waiting is proven once below (the spawned command); here the wait is recorded.
    sleep: async (ms) => { waits.push(ms) },
  })
  return { code, out, err, waits }
}

beforeEach(async () => {
  api = await startFakeHubSpotApi({ apiKey: API_KEY, apps: [APP_ID] })
})
afterEach(async () => {
  await api.close()
})

describe('hubspot:settings create / get / update / delete', () => {
  it('creates the settings with every field HubSpot requires, the key as hapikey, and prints HubSpot\'s answer', async () => {
    const result = await cli([...CREATE, '--supports-inbound-calling', '--uses-remote', '--uses-calling-window'])

    expect(result.code).toBe(0)
    expect(api.requests).toEqual([expect.objectContaining({
      method: 'POST',
      path: `/crm/v3/extensions/calling/${APP_ID}/settings`,
      query: { hapikey: API_KEY },
      body: {
        name: 'SIP Softphone', url: WIDGET_URL, width: 400, height: 600, isReady: false,
        supportsCustomObjects: false, supportsInboundCalling: true, usesRemote: true, usesCallingWindow: true,
      },
    })])
    expect(result.out).toContain(`Created the calling settings of app ${APP_ID} (HubSpot answered 201):`)
    expect(result.out).toMatch(/^ {2}url +https:\/\/softphone\.example\.com\/\?sipDomain=pbx\.example\.com$/m)
    expect(result.out).toMatch(/^ {2}usesCallingWindow +true$/m)
    expect(result.out).toContain('HubSpot layout: the calling remote plus the calling window')
    expect(result.out).toContain('isReady is false')
    expect(result.out + result.err).not.toContain(API_KEY)
  })

  it('gets, updates (only the fields given) and deletes', async () => {
    expect((await cli(CREATE)).code).toBe(0)

    const got = await cli(['get', '--app-id', String(APP_ID)])
    expect(got.code).toBe(0)
    expect(got.out).toMatch(/^ {2}name +SIP Softphone$/m)
    expect(got.out).toContain('HubSpot layout: the record-page widget only')

    const updated = await cli(['update', '--app-id', String(APP_ID), '--ready', '--no-supports-custom-objects', '--height', '640'])
    expect(updated.code).toBe(0)
    expect(api.requests.at(-1)).toMatchObject({ method: 'PATCH', body: { isReady: true, supportsCustomObjects: false, height: 640 } })
    expect(Object.keys(api.requests.at(-1)!.body as object).sort()).toEqual(['height', 'isReady', 'supportsCustomObjects'])
    expect(updated.out).toMatch(/^ {2}isReady +true$/m)
    expect(updated.out).not.toContain('isReady is false')

    const deleted = await cli(['delete', '--app-id', String(APP_ID)])
    expect(deleted).toMatchObject({ code: 0, out: expect.stringContaining(`Deleted the calling settings of app ${APP_ID} (HubSpot answered 204).`) })
    expect(api.settings.has(APP_ID)).toBe(false)
  })

  it('prints HubSpot\'s answer as JSON with --json', async () => {
    await cli(CREATE)
    const result = await cli(['get', '--app-id', String(APP_ID), '--json'])
    const json = result.out.slice(result.out.indexOf('{'))
    expect(JSON.parse(json)).toEqual(api.settings.get(APP_ID))
  })

  it('creates, reads and changes the recording settings (urlToRetrieveAuthedRecording)', async () => {
    const created = await cli(['create', '--app-id', String(APP_ID), '--recording', '--recording-url', 'https://softphone.example.com/recordings'])
    expect(created.code).toBe(0)
    expect(api.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/crm/v3/extensions/calling/${APP_ID}/settings/recording`,
      body: { urlToRetrieveAuthedRecording: 'https://softphone.example.com/recordings' },
    })
    expect(created.out).toMatch(/^ {2}urlToRetrieveAuthedRecording +https:\/\/softphone\.example\.com\/recordings$/m)
    const updated = await cli(['update', '--app-id', String(APP_ID), '--recording', '--recording-url', 'https://rec.example.com/r'])
    expect(updated.code).toBe(0)
    expect(api.recording.get(APP_ID)).toMatchObject({ urlToRetrieveAuthedRecording: 'https://rec.example.com/r' })
  })
})

describe('hubspot:settings refuses bad input before sending', () => {
  it.each([
    [['create', '--app-id', String(APP_ID), '--name', 'x', '--url', 'http://softphone.example.com/', '--width', '400', '--height', '600'], '--url must use https://'],
    [['create', '--app-id', String(APP_ID), '--name', 'x', '--url', 'softphone.example.com', '--width', '400', '--height', '600'], '--url must be an absolute https:// URL'],
    [['create', '--app-id', String(APP_ID), '--name', 'x', '--url', WIDGET_URL, '--width', '40', '--height', '600'], '--width must be a whole number of pixels from 200 to 1200, not 40.'],
    [['create', '--app-id', String(APP_ID), '--name', 'x', '--url', WIDGET_URL, '--width', '400', '--height', '5000'], '--height must be a whole number of pixels from 200 to 1200, not 5000.'],
    [['create', '--app-id', String(APP_ID), '--name', '  ', '--url', WIDGET_URL, '--width', '400', '--height', '600'], '--name must not be empty'],
    [['create', '--app-id', String(APP_ID), '--name', 'x'], 'create needs --url.'],
    [['create', '--app-id', '0', '--name', 'x', '--url', WIDGET_URL, '--width', '400', '--height', '600'], '--app-id must be your app\'s id'],
    [['update', '--app-id', String(APP_ID)], 'update needs at least one setting'],
    [['update', '--app-id', String(APP_ID), '--recording', '--name', 'x'], '--name belong to the calling settings, not --recording.'],
    [['update', '--app-id', String(APP_ID), '--recording-url', 'https://r.example.com/'], '--recording-url needs --recording'],
    [['create', '--app-id', String(APP_ID), '--recording', '--recording-url', 'ftp://r.example.com/'], '--recording-url must use https://'],
    [['delete', '--app-id', String(APP_ID), '--recording'], 'recording settings endpoint has no DELETE'],
  ])('%j', async (argv, message) => {
    const result = await cli(argv)
    expect(result.code).toBe(2)
    expect(result.err).toContain(message)
    expect(result.err).toContain('Nothing was sent to HubSpot.')
    expect(api.requests).toEqual([])
  })

  it('lists every problem at once', () => {
    let error: unknown
    try {
      buildRequest('create', { appId: APP_ID, url: 'http://x.example.com', width: 10, height: 99999 })
    }
    catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).problems).toEqual([
      expect.stringContaining('--url must use https://'),
      expect.stringContaining('--width must be'),
      expect.stringContaining('--height must be'),
      'create needs --name.',
    ])
  })

  it.each([
    [['get'], 'required option \'--app-id <id>\' not specified'],
    [['get', '--app-id', 'abc'], 'not a whole number'],
    [['create', '--app-id', String(APP_ID), '--width', '4.5'], 'not a whole number'],
    [['get', '--app-id', String(APP_ID), '--name', 'x'], 'unknown option \'--name\''],
    [['remove', '--app-id', String(APP_ID)], 'unknown command \'remove\''],
  ])('the argument parser refuses %j', async (argv, message) => {
    const result = await cli(argv)
    expect(result.code).toBe(2)
    expect(result.err).toContain(message)
    expect(api.requests).toEqual([])
  })

  it('needs the API key in the environment, and sends nothing without it', async () => {
    const result = await cli(['get', '--app-id', String(APP_ID)], { HUBSPOT_DEVELOPER_API_KEY: undefined })
    expect(result.code).toBe(2)
    expect(result.err).toContain('Set HUBSPOT_DEVELOPER_API_KEY')
    expect(api.requests).toEqual([])
  })
})

describe('hubspot:settings reports HubSpot\'s refusals in HubSpot\'s words', () => {
  it('401: a wrong developer API key', async () => {
    const result = await cli(['get', '--app-id', String(APP_ID)], { HUBSPOT_DEVELOPER_API_KEY: 'wrong-key' })
    expect(result.code).toBe(1)
    expect(result.err).toContain('HubSpot answered 401 Unauthorized: The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/')
    expect(result.err).toMatch(/category INVALID_AUTHENTICATION, correlationId c0ffee00-/)
    expect(result.out + result.err).not.toContain('wrong-key')
  })

  it('404: an app the developer account does not have', async () => {
    const result = await cli(['get', '--app-id', '999'])
    expect(result.code).toBe(1)
    expect(result.err).toContain('HubSpot answered 404 Not Found: App 999 was not found in this developer account')
    expect(result.err).toContain('Check --app-id')
  })

  it('400: HubSpot\'s validation errors, each detail listed', async () => {
    api.answerNext({ status: 400, body: {
      status: 'error', message: 'Invalid input JSON on line 1, column 57: url is not a valid URL', correlationId: 'abc-123', category: 'VALIDATION_ERROR',
      errors: [{ message: 'must be a valid URL', in: 'url' }],
    } })
    const result = await cli(CREATE)
    expect(result.code).toBe(1)
    expect(result.err).toContain('HubSpot answered 400 Bad Request: Invalid input JSON on line 1, column 57: url is not a valid URL')
    expect(result.err).toContain('  - url: must be a valid URL')
    expect(result.err).toContain('(category VALIDATION_ERROR, correlationId abc-123)')
  })

  it('400 from the server\'s own validation: a POST missing required fields (what the command\'s checks prevent)', async () => {
    const error = await send({ method: 'POST', path: `/crm/v3/extensions/calling/${APP_ID}/settings`, body: { name: 'x', url: WIDGET_URL } },
      { apiKey: API_KEY, apiUrl: api.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HubSpotError)
    expect((error as HubSpotError).status).toBe(400)
    expect((error as HubSpotError).message.split('\n')).toEqual([
      'HubSpot answered 400 Bad Request: Invalid input JSON on line 1, column 2: Cannot build request, some of required attributes are not set [height, width, isReady, supportsCustomObjects, supportsInboundCalling, usesRemote, usesCallingWindow]',
      '  - height: height is required',
      '  - width: width is required',
      '  - isReady: isReady is required',
      '  - supportsCustomObjects: supportsCustomObjects is required',
      '  - supportsInboundCalling: supportsInboundCalling is required',
      '  - usesRemote: usesRemote is required',
      '  - usesCallingWindow: usesCallingWindow is required',
      expect.stringMatching(/^ {2}\(category VALIDATION_ERROR, correlationId c0ffee00-/),
    ])
  })

  it('5xx with a body that is not JSON: the body as it came', async () => {
    api.answerNext({ status: 502, headers: { 'content-type': 'text/plain' }, body: undefined })
    const result = await cli(['get', '--app-id', String(APP_ID)])
    expect(result.code).toBe(1)
    expect(result.err).toContain('HubSpot answered 502 Bad Gateway: no explanation given')
  })

  it('never prints the key, even when HubSpot\'s message echoes it', async () => {
    api.answerNext({ status: 403, body: { status: 'error', message: `Key ${API_KEY} lacks the developer scope`, category: 'MISSING_SCOPES' } })
    const result = await cli(['get', '--app-id', String(APP_ID)])
    expect(result.code).toBe(1)
    expect(result.err).toContain('Key [API key] lacks the developer scope')
    expect(result.out + result.err).not.toContain(API_KEY)
  })

  it('429: waits as long as Retry-After says, then sends again', async () => {
    const limited = { status: 429, headers: { 'retry-after': '2' }, body: { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', correlationId: 'rl-1', policyName: 'SECONDLY' } }
    api.answerNext(limited, { ...limited, headers: { 'retry-after': '1' } })
    const result = await cli(CREATE)
    expect(result.code).toBe(0)
    expect(result.waits).toEqual([2000, 1000])
    expect(api.requests.map(r => r.method)).toEqual(['POST', 'POST', 'POST'])
    expect(result.err).toContain('HubSpot answered 429 Too Many Requests: You have reached your secondly limit.')
    expect(result.err).toContain('Retrying in 2 s, as HubSpot\'s Retry-After asks (retry 1 of 3).')
    expect(api.settings.has(APP_ID)).toBe(true)
  })

  it('429 that persists: gives up after three retries with HubSpot\'s message', async () => {
    const limited = { status: 429, headers: { 'retry-after': '1' }, body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' } }
    api.answerNext(limited, limited, limited, limited)
    const result = await cli(['get', '--app-id', String(APP_ID)])
    expect(result.code).toBe(1)
    expect(api.requests).toHaveLength(4)
    expect(result.err.trim().split('\n').at(-2)).toBe('HubSpot answered 429 Too Many Requests: You have reached your daily limit.')
  })

  it('429 asking for longer than two minutes: says when to try again instead of hanging', async () => {
    api.answerNext({ status: 429, headers: { 'retry-after': '3600' }, body: { status: 'error', message: 'You have reached your daily limit.' } })
    const result = await cli(['get', '--app-id', String(APP_ID)])
    expect(result.code).toBe(1)
    expect(result.waits).toEqual([])
    expect(result.err).toContain('HubSpot asks to wait 3600 s (Retry-After); try again later.')
  })

  it('an unreachable HubSpot', async () => {
    await api.close()
    const result = await cli(['get', '--app-id', String(APP_ID)])
    api = await startFakeHubSpotApi({ apiKey: API_KEY, apps: [APP_ID] })
    expect(result.code).toBe(1)
    expect(result.err).toMatch(/^Could not reach HubSpot at http:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/m)
  })
})

describe('hubspot:settings as npm runs it', () => {
  it('exits 0 after a real Retry-After wait, with the key only in the environment', async () => {
    api.answerNext({ status: 429, headers: { 'retry-after': '1' }, body: { status: 'error', message: 'You have reached your secondly limit.' } })
    const { code, stdout, stderr } = await new Promise<{ code: number | null, stdout: string, stderr: string }>((resolve) => {
      const child = execFile('node', ['scripts/hubspot-settings/cli.mjs', ...CREATE], {
        env: { ...process.env, HUBSPOT_DEVELOPER_API_KEY: API_KEY, HUBSPOT_API_URL: api.url },
      }, (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }))
    })
    expect(code).toBe(0)
    const [first, second] = api.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000)
    expect(stdout).toContain(`POST ${api.url}/crm/v3/extensions/calling/${APP_ID}/settings\n`)
    expect(stdout + stderr).not.toContain(API_KEY)
  })

  it('exits 1 on HubSpot\'s refusal and 2 on bad input', async () => {
    const exit = (argv: string[]) => new Promise<number | null>((resolve) => {
      const child = execFile('node', ['scripts/hubspot-settings/cli.mjs', ...argv], {
        env: { ...process.env, HUBSPOT_DEVELOPER_API_KEY: API_KEY, HUBSPOT_API_URL: api.url },
      }, () => resolve(child.exitCode))
    })
    expect(await exit(['get', '--app-id', '999'])).toBe(1)
    expect(await exit(['get'])).toBe(2)
  })
})

describe('settings helpers', () => {
  it.each([
    ['120', 120_000],
    [' 3 ', 3000],
    ['Sun, 29 Nov 2026 10:00:05 GMT', 5000],
    ['Sun, 29 Nov 2026 09:59:00 GMT', 0],
    ['soon', null],
    [null, null],
  ] as const)('Retry-After %j → %j ms', (value, ms) => {
    expect(retryAfterMs(value, Date.parse('Sun, 29 Nov 2026 10:00:00 GMT'))).toBe(ms)
  })

  it.each([
    [{ supportsInboundCalling: false, usesRemote: false, usesCallingWindow: false }, 'the record-page widget only (outbound calls from a record)'],
    [{ supportsInboundCalling: true, usesRemote: true, usesCallingWindow: false }, 'the calling remote in HubSpot\'s navigation bar'],
    [{ supportsInboundCalling: true, usesRemote: true, usesCallingWindow: true }, 'the calling remote plus the calling window (the call lives in the window and survives page loads)'],
  ])('layout of %j', (settings, layout) => {
    expect(describeLayout(settings)).toBe(layout)
  })
})
