/**
 * The port against the REAL SDK, driven the way HubSpot drives it: MessageEvents
 * on `window` in the SDK's wire format, and assertions on what the widget posts.
 *
 * happy-dom: the test window is a top-level window, so `window.parent === window`
 * and the SDK's posts to "HubSpot" land on `window.postMessage`, which we stub
 * (happy-dom's real one throws on a cross-origin targetOrigin and would echo the
 * message back to our own listener). `document.referrer` is empty, so before SYNC
 * the SDK's destination origin is the page's own (http://localhost:3000).
 * A real host page with an iframe is not possible here (happy-dom would have to
 * load the widget over HTTP); the host simulator in dev/host covers that.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'
import type { HubSpotEventName, HubSpotEvents, HubSpotPort } from '@/hubspot/types'
import { DOCUMENTED_DIAL_PAYLOAD } from './fixtures'

const HOST = 'https://app.hubspot.test'
/** The published 0.9.7 dist embeds the package.json it was built with: it says 0.9.7-beta.0 on the wire. */
const SDK_VERSION = '0.9.7-beta.0'

interface Posted { message: Record<string, unknown>, targetOrigin: unknown }

let posted: Posted[]
let ports: HubSpotPort[]
let messageSeq = 0

beforeEach(() => {
  posted = []
  ports = []
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown, targetOrigin?: unknown) => {
    posted.push({ message: message as Record<string, unknown>, targetOrigin })
  })
  // The SDK logs every message with console.debug when not in debug mode (the port silences it: asserted below).
  vi.spyOn(console, 'debug').mockImplementation(() => undefined)
})

afterEach(() => {
  for (const port of ports) port.dispose()
})

function makePort(debug = false): HubSpotPort {
  const port = createHubSpotPort({ debug })
  ports.push(port)
  return port
}

/** A message from HubSpot as its IFrameManager posts it: `{ type, data, messageId }`. */
function fromHubSpot(type: string, data?: unknown, origin = HOST, messageId: string | undefined = `hubspot_${++messageSeq}`): void {
  window.dispatchEvent(new MessageEvent('message', { data: { type, data, messageId }, origin }))
}

/** HubSpot's SYNC: the SDK host sends `{ type, hostUrl, messageId }`; real HubSpot adds the portal info. */
function sync(extra: Record<string, unknown> = {}, origin = HOST): void {
  window.dispatchEvent(new MessageEvent('message', {
    data: { type: 'SYNC', hostUrl: HOST, messageId: 'hubspot_sync', ...extra },
    origin,
  }))
}

function record<K extends HubSpotEventName>(port: HubSpotPort, event: K): Array<HubSpotEvents[K]> {
  const seen: Array<HubSpotEvents[K]> = []
  port.on(event, (payload) => {
    seen.push(payload)
  })
  return seen
}

function postedTypes(): unknown[] {
  return posted.map(p => p.message.type)
}

const flushMicrotasks = (): Promise<void> => new Promise(resolve => queueMicrotask(resolve))

describe('createHubSpotPort — SYNC handshake', () => {
  it('runs in happy-dom as a top-level window (posts go to window.postMessage)', () => {
    expect(window.parent).toBe(window)
  })

  it('answers SYNC with SYNC_ACK to the hostUrl and emits a typed ready', () => {
    const port = makePort()
    const ready = record(port, 'ready')

    sync({ portalId: 123, userId: 9, ownerId: '11', engagementId: 0, iframeLocation: 'window', usesCallingWindow: true })

    expect(posted).toEqual([{
      message: {
        type: 'SYNC_ACK',
        messageId: 'hubspot_sync',
        hostUrl: HOST,
        portalId: 123,
        userId: 9,
        ownerId: '11',
        engagementId: 0,
        iframeLocation: 'window',
        usesCallingWindow: true,
        debugMode: false,
        version: SDK_VERSION,
        iFrameUrl: window.location.origin,
      },
      targetOrigin: HOST,
    }])
    // hostUrl is dropped, engagementId 0 is "no engagement".
    expect(ready).toEqual([{ portalId: 123, userId: 9, ownerId: '11', iframeLocation: 'window', usesCallingWindow: true }])
  })

  it('answers only the first SYNC (the host retries every 100 ms until acked)', () => {
    const port = makePort()
    const ready = record(port, 'ready')
    sync()
    sync()
    sync()
    expect(postedTypes()).toEqual(['SYNC_ACK'])
    expect(ready).toEqual([{}])
  })

  it('accepts the SYNC from any origin, then only trusts that origin (SDK behaviour)', () => {
    const port = makePort()
    const dials = record(port, 'dialNumber')
    sync({ hostUrl: 'https://first.test' }, 'https://first.test')

    fromHubSpot('DIAL_NUMBER', { phoneNumber: '1002' }, HOST)
    expect(dials).toEqual([])
    fromHubSpot('DIAL_NUMBER', { phoneNumber: '1002' }, 'https://first.test')
    expect(dials).toEqual([{ request: { phoneNumber: '1002' } }])
    expect(posted[0]?.targetOrigin).toBe('https://first.test')
  })

  it('replays the last ready to a late subscriber, asynchronously', async () => {
    const port = makePort()
    sync({ portalId: 5 })

    const late = vi.fn()
    port.on('ready', late)
    expect(late).not.toHaveBeenCalled()
    await flushMicrotasks()
    expect(late).toHaveBeenCalledExactlyOnceWith({ portalId: 5 })

    const unsubscribedFirst = vi.fn()
    port.on('ready', unsubscribedFirst)()
    await flushMicrotasks()
    expect(unsubscribedFirst).not.toHaveBeenCalled()
  })

  it('logs no message to the console outside debug mode (the SDK would console.debug each one, both ways)', () => {
    const debugLog = vi.mocked(console.debug)
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const port = makePort()
    port.on('ready', () => port.initialized({ isLoggedIn: true }))
    sync()
    port.callAnswered({ externalCallId: 'c1' })
    fromHubSpot('END_CALL')
    expect(posted.map(p => p.message.type)).toEqual(['SYNC_ACK', 'INITIALIZED', 'CALL_ANSWERED'])
    expect(debugLog).not.toHaveBeenCalled()
    expect(log).not.toHaveBeenCalled()
  })

  it('keeps the SDK\'s message log in debug mode', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const port = makePort(true)
    sync()
    port.callAnswered({ externalCallId: 'c1' })
    expect(log.mock.calls.map(call => JSON.stringify(call))).toEqual(expect.arrayContaining([expect.stringContaining('CALL_ANSWERED')]))
  })

  it('does not hold initialized before SYNC (it is the answer to SYNC; the SDK warns and does not post)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const port = makePort()
    port.initialized({ isLoggedIn: true })
    expect(posted).toEqual([])
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('calling-extensions-sdk'), expect.stringContaining('not initialized'), expect.objectContaining({ type: 'INITIALIZED' }))
    sync()
    expect(postedTypes()).toEqual(['SYNC_ACK'])
  })

  it('holds a whole call that happened before SYNC and sends it after INITIALIZED, in order', () => {
    const warn = vi.spyOn(console, 'warn')
    const port = makePort()
    port.on('ready', () => port.initialized({ isLoggedIn: true }))
    port.userLoggedIn()
    port.incomingCall({ externalCallId: 'in-1', fromNumber: '1006', toNumber: '1002', callStartTime: 1, createEngagement: true })
    port.callAnswered({ externalCallId: 'in-1' })
    port.callEnded({ externalCallId: 'in-1', callEndStatus: 'COMPLETED' })
    port.callCompleted({ externalCallId: 'in-1', hideWidget: false, engagementProperties: { hs_timestamp: 1, hs_call_body: '', hs_call_duration: '0', hs_call_status: 'COMPLETED', hs_call_to_number: '1002', hs_call_from_number: '1006', hs_call_direction: 'INBOUND' } })
    expect(posted).toEqual([])

    sync()

    expect(postedTypes()).toEqual(['SYNC_ACK', 'INITIALIZED', 'LOGGED_IN', 'INCOMING_CALL', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED'])
    expect(posted.slice(1).every(p => p.targetOrigin === HOST)).toBe(true)
    expect(posted[3]?.message.data).toMatchObject({ externalCallId: 'in-1', fromNumber: '1006' })
    expect(warn).not.toHaveBeenCalled()
  })

  it('before SYNC keeps only the latest sign-in and availability state, and the latest save of a call', () => {
    const port = makePort()
    port.userLoggedIn()
    port.userUnavailable()
    port.userLoggedOut()
    port.userAvailable()
    port.outgoingCall({ externalCallId: 'out-1', toNumber: '+442079460600', fromNumber: '1001', callStartTime: 1, createEngagement: true })
    port.callEnded({ externalCallId: 'out-1', callEndStatus: 'BUSY' })
    const properties = { hs_timestamp: 1, hs_call_body: '', hs_call_duration: '0', hs_call_status: 'BUSY', hs_call_to_number: '+442079460600', hs_call_from_number: '1001', hs_call_direction: 'OUTBOUND' as const }
    port.callCompleted({ externalCallId: 'out-1', hideWidget: false, engagementProperties: { ...properties, hs_call_body: 'first' } })
    port.callCompleted({ externalCallId: 'out-1', hideWidget: false, engagementProperties: { ...properties, hs_call_body: 'retried' } })
    sync()
    expect(postedTypes()).toEqual(['SYNC_ACK', 'LOGGED_OUT', 'USER_AVAILABLE', 'OUTGOING_CALL_STARTED', 'CALL_ENDED', 'CALL_COMPLETED'])
    expect((posted.at(-1)?.message.data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body).toBe('retried')
  })

  it('sends nothing held once disposed before SYNC', () => {
    const port = makePort()
    port.callAnswered({ externalCallId: 'x' })
    port.dispose()
    sync()
    expect(posted).toEqual([])
  })

  it('re-emits ready (empty) and retargets its posts when HubSpot sends SET_WIDGET_URL', () => {
    const port = makePort()
    const ready = record(port, 'ready')
    sync({ portalId: 5 })
    fromHubSpot('SET_WIDGET_URL', undefined)
    // SET_WIDGET_URL carries iFrameUrl at the top level, not in data.
    window.dispatchEvent(new MessageEvent('message', {
      data: { type: 'SET_WIDGET_URL', iFrameUrl: 'https://moved.test', messageId: 'hubspot_move' },
      origin: HOST,
    }))
    expect(ready).toEqual([{ portalId: 5 }, {}, {}])
    port.userLoggedIn()
    expect(posted.at(-1)?.targetOrigin).toBe('https://moved.test')
  })
})

describe('createHubSpotPort — messages from HubSpot', () => {
  const dialPayload = { ...DOCUMENTED_DIAL_PAYLOAD }

  it('turns DIAL_NUMBER into dialNumber { request }', () => {
    const port = makePort()
    const dials = record(port, 'dialNumber')
    sync()
    fromHubSpot('DIAL_NUMBER', dialPayload)
    expect(dials).toEqual([{ request: { ...dialPayload, callee: { objectId: 31, objectType: 'CONTACT' } } }])
  })

  it('turns a malformed DIAL_NUMBER into dialNumber { invalid }', () => {
    const port = makePort()
    const dials = record(port, 'dialNumber')
    sync()
    fromHubSpot('DIAL_NUMBER', { phoneNumber: 442079460600 })
    fromHubSpot('DIAL_NUMBER', undefined)
    expect(dials).toEqual([
      { invalid: expect.stringContaining('not text') },
      { invalid: expect.stringContaining('not an object') },
    ])
  })

  it('ignores messages from another origin, without messageId, or before SYNC', () => {
    const port = makePort()
    const dials = record(port, 'dialNumber')
    fromHubSpot('DIAL_NUMBER', { phoneNumber: '1' }) // before SYNC: origin not yet trusted
    sync()
    fromHubSpot('DIAL_NUMBER', { phoneNumber: '2' }, 'https://evil.test')
    fromHubSpot('DIAL_NUMBER', { phoneNumber: '3' }, HOST, '')
    expect(dials).toEqual([])
    expect(postedTypes()).toEqual(['SYNC_ACK'])
  })

  it('turns END_CALL into endCall', () => {
    const port = makePort()
    const endCall = vi.fn()
    port.on('endCall', endCall)
    sync()
    fromHubSpot('END_CALL')
    expect(endCall).toHaveBeenCalledExactlyOnceWith(undefined)
  })

  it('maps the engagement creation outcomes', () => {
    const port = makePort()
    const created = record(port, 'engagementCreated')
    const failed = record(port, 'engagementCreateFailed')
    sync()
    fromHubSpot('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: 555, externalCallId: 'c1' })
    fromHubSpot('ENGAGEMENT_CREATED', { engagementId: 556 })
    fromHubSpot('CREATE_ENGAGEMENT_SUCCEEDED', { engagementId: '557' })
    fromHubSpot('CREATE_ENGAGEMENT_FAILED', { message: 'Missing scope', externalCallId: 'c2' })
    fromHubSpot('CREATE_ENGAGEMENT_FAILED', undefined)
    expect(created).toEqual([{ engagementId: 555, externalCallId: 'c1' }, { engagementId: 556 }])
    expect(failed).toEqual([
      { message: expect.stringContaining('no valid engagementId') },
      { message: 'Missing scope', externalCallId: 'c2' },
      { message: 'HubSpot could not create the call engagement.' },
    ])
  })

  it('maps the engagement update outcomes', () => {
    const port = makePort()
    const updated = record(port, 'engagementUpdated')
    const failed = record(port, 'engagementUpdateFailed')
    sync()
    fromHubSpot('UPDATE_ENGAGEMENT_SUCCEEDED', { engagementId: 555 })
    fromHubSpot('UPDATE_ENGAGEMENT_SUCCEEDED', undefined)
    fromHubSpot('UPDATE_ENGAGEMENT_FAILED', { error: { message: 'Engagement not found' } })
    expect(updated).toEqual([{ engagementId: 555 }, {}])
    expect(failed).toEqual([{ message: 'Engagement not found' }])
  })

  it('maps the caller-id match outcomes (a success without a usable match is a failure)', () => {
    const port = makePort()
    const matched = record(port, 'callerIdMatchSucceeded')
    const failed = record(port, 'callerIdMatchFailed')
    sync()
    const contact = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 123, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.test' }
    fromHubSpot('CALLER_ID_MATCH_SUCCEEDED', { callerIdMatches: [contact] })
    fromHubSpot('CALLER_ID_MATCH_SUCCEEDED', { callerIdMatches: [] })
    fromHubSpot('CALLER_ID_MATCH_FAILED', { message: 'No match' })
    expect(matched).toEqual([{ matches: [contact] }])
    expect(failed).toEqual([{ message: 'HubSpot matched no usable contact or company.' }, { message: 'No match' }])
  })

  it('maps NAVIGATE_TO_RECORD_FAILED', () => {
    const port = makePort()
    const failed = record(port, 'navigateToRecordFailed')
    sync()
    fromHubSpot('NAVIGATE_TO_RECORD_FAILED', { engagementId: 1, objectCoordinates: {} })
    expect(failed).toEqual([{ message: 'HubSpot could not open the record.' }])
  })

  it('maps VISIBILITY_CHANGED and drops a payload without booleans', () => {
    const port = makePort()
    const visibility = record(port, 'visibilityChanged')
    sync()
    fromHubSpot('VISIBILITY_CHANGED', { isMinimized: true, isHidden: false })
    fromHubSpot('VISIBILITY_CHANGED', { isMinimized: 'yes' })
    expect(visibility).toEqual([{ isMinimized: true, isHidden: false }])
  })

  it.each([
    'CALLER_ID_MATCH_SUCCEEDED', 'CALLER_ID_MATCH_FAILED', 'NAVIGATE_TO_RECORD_FAILED',
    'PUBLISH_TO_CHANNEL_SUCCEEDED', 'PUBLISH_TO_CHANNEL_FAILED', 'FINALIZE_ENGAGEMENT_SUCCEEDED',
    'FINALIZE_ENGAGEMENT_FAILED', 'SET_CALL_STATE', 'SET_WIDGET_URL_FAILED', 'INITIATE_CALL_ID_SUCCEEDED',
    'INITIATE_CALL_ID_FAILED', 'FAILED', 'READY',
  ])('handles %s quietly (no console.error, nothing posted back)', (type) => {
    const error = vi.spyOn(console, 'error')
    makePort()
    sync()
    fromHubSpot(type, { engagementId: 1 })
    expect(error).not.toHaveBeenCalled()
    expect(postedTypes()).toEqual(['SYNC_ACK'])
  })

  it('answers an unknown type with ERROR UNKNOWN_MESSAGE_TYPE and stays quiet when not in debug (no console flood)', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    makePort()
    sync()
    fromHubSpot('MAKE_COFFEE', { sugar: 2 })
    expect(posted.at(-1)).toEqual({
      message: {
        type: 'ERROR',
        data: {
          type: 'UNKNOWN_MESSAGE_TYPE',
          data: { originalMessage: { type: 'MAKE_COFFEE', data: { sugar: 2 }, messageId: expect.any(String) } },
        },
        messageId: expect.any(String),
      },
      targetOrigin: HOST,
    })
    expect(error).not.toHaveBeenCalled()
  })

  it('logs unknown types through defaultEventHandler in debug mode', () => {
    const error = vi.spyOn(console, 'error')
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    makePort(true)
    sync()
    fromHubSpot('MAKE_COFFEE', { sugar: 2 })
    expect(error).not.toHaveBeenCalled()
    expect(log).toHaveBeenCalledWith('[hubspot]', 'unhandled HubSpot message', expect.objectContaining({ type: 'MAKE_COFFEE' }), { sugar: 2 })
  })
})

describe('createHubSpotPort — messages to HubSpot', () => {
  function syncedPort(): HubSpotPort {
    const port = makePort()
    sync()
    posted.length = 0
    return port
  }

  const engagementProperties = {
    hs_timestamp: 1_700_000_000_000,
    hs_call_body: 'Echo test',
    hs_call_duration: '12000',
    hs_call_status: 'COMPLETED',
    hs_call_to_number: '+442079460600',
    hs_call_from_number: '1001',
    hs_call_direction: 'OUTBOUND' as const,
  }

  it.each<[string, (port: HubSpotPort) => void, string, unknown]>([
    ['initialized', p => p.initialized({ isLoggedIn: true }), 'INITIALIZED', { isLoggedIn: true }],
    ['initialized with engagement', p => p.initialized({ isLoggedIn: false, engagementId: 4 }), 'INITIALIZED', { isLoggedIn: false, engagementId: 4 }],
    ['userLoggedIn', p => p.userLoggedIn(), 'LOGGED_IN', undefined],
    ['userLoggedOut', p => p.userLoggedOut(), 'LOGGED_OUT', undefined],
    [
      'outgoingCall',
      p => p.outgoingCall({ externalCallId: 'c1', toNumber: '+442079460600', fromNumber: '1001', callStartTime: 1_700_000_000_000, createEngagement: true }),
      'OUTGOING_CALL_STARTED',
      { externalCallId: 'c1', toNumber: '+442079460600', fromNumber: '1001', callStartTime: 1_700_000_000_000, createEngagement: true },
    ],
    ['callAnswered', p => p.callAnswered({ externalCallId: 'c1' }), 'CALL_ANSWERED', { externalCallId: 'c1' }],
    ['callTransferred', p => p.callTransferred({ externalCallId: 'c1' }), 'CALL_TRANSFERRED', { externalCallId: 'c1' }],
    [
      'callEnded (both id spellings)',
      p => p.callEnded({ externalCallId: 'c1', engagementId: 555, callEndStatus: 'BUSY' }),
      'CALL_ENDED',
      { externalCallId: 'c1', externalCallID: 'c1', engagementId: 555, callEndStatus: 'BUSY' },
    ],
    [
      'callEnded without engagement',
      p => p.callEnded({ externalCallId: 'c1', callEndStatus: 'FAILED' }),
      'CALL_ENDED',
      { externalCallId: 'c1', externalCallID: 'c1', callEndStatus: 'FAILED' },
    ],
    [
      'callCompleted',
      p => p.callCompleted({ externalCallId: 'c1', engagementId: 555, hideWidget: false, engagementProperties: { ...engagementProperties, hs_call_disposition: undefined } }),
      'CALL_COMPLETED',
      { externalCallId: 'c1', engagementId: 555, hideWidget: false, engagementProperties },
    ],
    [
      'callCompleted without engagement',
      p => p.callCompleted({ externalCallId: 'c1', hideWidget: true, engagementProperties }),
      'CALL_COMPLETED',
      { externalCallId: 'c1', hideWidget: true, engagementProperties },
    ],
    ['sendError', p => p.sendError({ message: 'PBX unreachable' }), 'ERROR', { message: 'PBX unreachable' }],
    ['resizeWidget', p => p.resizeWidget({ width: 360, height: 600 }), 'RESIZE_WIDGET', { width: 360, height: 600 }],
    [
      'incomingCall',
      p => p.incomingCall({ externalCallId: 'c2', fromNumber: '+442079460700', toNumber: '1002', callStartTime: 1_700_000_000_000, createEngagement: true }),
      'INCOMING_CALL',
      { externalCallId: 'c2', fromNumber: '+442079460700', toNumber: '1002', callStartTime: 1_700_000_000_000, createEngagement: true },
    ],
    [
      'navigateToRecord',
      p => p.navigateToRecord({ objectCoordinates: { portalId: 123, objectId: 9101, objectTypeId: '0-1' } }),
      'NAVIGATE_TO_RECORD',
      { objectCoordinates: { portalId: 123, objectId: 9101, objectTypeId: '0-1' } },
    ],
    [
      'navigateToRecord with engagement',
      p => p.navigateToRecord({ objectCoordinates: { portalId: 123, objectId: 9201, objectTypeId: '0-2' }, engagementId: 7 }),
      'NAVIGATE_TO_RECORD',
      { objectCoordinates: { portalId: 123, objectId: 9201, objectTypeId: '0-2' }, engagementId: 7 },
    ],
    ['userAvailable', p => p.userAvailable(), 'USER_AVAILABLE', undefined],
    ['userUnavailable', p => p.userUnavailable(), 'USER_UNAVAILABLE', undefined],
  ])('%s posts exactly the contract payload', (_label, send, type, data) => {
    const port = syncedPort()
    send(port)
    expect(posted).toHaveLength(1)
    const [{ message, targetOrigin }] = posted as [Posted]
    expect(targetOrigin).toBe(HOST)
    expect(message.type).toBe(type)
    expect(message.messageId).toEqual(expect.stringMatching(/^\d+_\d+$/))
    // toStrictEqual: no stray keys, no explicit undefined values.
    expect(message.data).toStrictEqual(data)
    expect(Object.keys(message).sort()).toEqual(data === undefined ? ['messageId', 'type'] : ['data', 'messageId', 'type'])
  })
})

describe('createHubSpotPort — subscriptions and lifecycle', () => {
  it('keeps delivering when a handler throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const port = makePort()
    const after = vi.fn()
    port.on('endCall', () => {
      throw new Error('boom')
    })
    port.on('endCall', after)
    sync()
    fromHubSpot('END_CALL')
    fromHubSpot('END_CALL')
    expect(after).toHaveBeenCalledTimes(2)
    expect(error).toHaveBeenCalledWith('[hubspot]', 'a "endCall" handler threw', expect.any(Error))
    port.callAnswered({ externalCallId: 'c1' })
    expect(postedTypes()).toEqual(['SYNC_ACK', 'CALL_ANSWERED'])
  })

  it('unsubscribes', () => {
    const port = makePort()
    const handler = vi.fn()
    const off = port.on('endCall', handler)
    sync()
    fromHubSpot('END_CALL')
    off()
    fromHubSpot('END_CALL')
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it('dispose removes the window listener and makes outgoing calls no-ops', () => {
    const removeListener = vi.spyOn(window, 'removeEventListener')
    const port = makePort()
    const dials = vi.fn()
    port.on('dialNumber', dials)
    sync()
    port.dispose()
    expect(removeListener).toHaveBeenCalledWith('message', expect.any(Function))

    fromHubSpot('DIAL_NUMBER', { phoneNumber: '1002' })
    port.userLoggedOut()
    port.dispose()
    expect(dials).not.toHaveBeenCalled()
    expect(postedTypes()).toEqual(['SYNC_ACK'])
  })

  it('lets a new port take over after dispose (e.g. HMR)', () => {
    makePort().dispose()
    const port = makePort()
    const ready = record(port, 'ready')
    sync({ portalId: 8 })
    expect(ready).toEqual([{ portalId: 8 }])
    expect(postedTypes()).toEqual(['SYNC_ACK'])
  })
})
