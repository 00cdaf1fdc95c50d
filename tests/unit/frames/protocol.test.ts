// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { FRAME_PROTOCOL_VERSION, PHONE_METHODS, parseFrameMessage } from '@/frames/protocol'
import type { FrameMessage, PhoneEventRecord } from '@/frames/protocol'

const key: JsonWebKey = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }
const box = { publicKey: key, iv: 'aXY=', data: 'ZGF0YQ==' }
const record: PhoneEventRecord = { event: 'callStarted', payload: { callId: 'c1', target: '+441' }, at: 1_700_000_000_000 }

/** One message of every type the protocol defines (both `result` shapes, optional fields absent and present). */
const VALID: FrameMessage[] = [
  { type: 'hello', location: 'remote', publicKey: key },
  { type: 'hello', location: 'unknown', publicKey: key },
  { type: 'bye' },
  { type: 'owner', location: 'window', publicKey: key, idle: false },
  { type: 'handover-request', publicKey: key },
  { type: 'handover-ready', to: 'b' },
  { type: 'handover-ready', to: 'b', credentials: box },
  { type: 'command', id: '1', to: 'a', method: 'call', args: ['+441', { display: '+44 1' }] },
  { type: 'result', id: '1', to: 'b', ok: true, value: null },
  { type: 'result', id: '1', to: 'b', ok: false, error: { name: 'CallError', message: 'no', kind: 'no-call' } },
  { type: 'event', record },
  { type: 'event', record: { event: 'registration', payload: { state: 'registered' }, at: 1 }, reporter: 'b' },
  { type: 'snapshot', to: 'b', records: [] },
  { type: 'snapshot', to: 'b', records: [record], reporter: 'a' },
  { type: 'standby', to: 'b', credentials: box },
  { type: 'credentials-request', publicKey: key },
  { type: 'credentials', to: 'b', credentials: box },
  { type: 'hubspot-send', to: 'a', method: 'callEnded', payload: { externalCallId: 'c1' } },
  { type: 'hubspot-answer', event: 'engagementCreated', payload: { engagementId: 7 } },
  { type: 'storage-set', key: 'k', value: 'v', old: null },
  { type: 'storage-set', key: 'k', value: null, old: 'v' },
  { type: 'storage-request' },
  { type: 'storage-snapshot', to: 'b', entries: [['k', 'v']] },
  { type: 'lease', priority: 2 },
  { type: 'claim', priority: 1 },
]

const stamp = (message: object): Record<string, unknown> => ({ ...message, v: FRAME_PROTOCOL_VERSION, from: 'frame-a' })

describe('parseFrameMessage', () => {
  it.each(VALID.map(m => [m.type, m] as const))('accepts %s', (_type, message) => {
    expect(parseFrameMessage(stamp(message))).toEqual(stamp(message))
  })

  it('covers every message type the protocol defines', () => {
    // Type-checked: a new message type fails the type check until it is listed here (and above).
    const every: Record<FrameMessage['type'], true> = {
      'hello': true, 'bye': true, 'owner': true, 'handover-request': true, 'handover-ready': true, 'command': true,
      'result': true, 'event': true, 'snapshot': true, 'standby': true, 'credentials-request': true, 'credentials': true,
      'hubspot-send': true, 'hubspot-answer': true, 'storage-set': true, 'storage-request': true, 'storage-snapshot': true,
      'lease': true, 'claim': true,
    }
    expect(new Set(VALID.map(m => m.type))).toEqual(new Set(Object.keys(every)))
  })

  it('accepts a command for every phone method', () => {
    for (const method of PHONE_METHODS)
      expect(parseFrameMessage(stamp({ type: 'command', id: '1', to: 'a', method, args: [] }))).not.toBeNull()
  })

  it.each([
    ['an older version', { ...stamp({ type: 'bye' }), v: FRAME_PROTOCOL_VERSION - 1 }],
    ['a newer version', { ...stamp({ type: 'bye' }), v: FRAME_PROTOCOL_VERSION + 1 }],
    ['no version', { type: 'bye', from: 'a' }],
    ['a version as a string', { ...stamp({ type: 'bye' }), v: String(FRAME_PROTOCOL_VERSION) }],
    ['no sender', { type: 'bye', v: FRAME_PROTOCOL_VERSION }],
    ['a numeric sender', { ...stamp({ type: 'bye' }), from: 7 }],
    ['an unknown type', stamp({ type: 'teleport' })],
    ['no type', stamp({})],
    ['null', null],
    ['a string', 'hello'],
    ['an array', [stamp({ type: 'bye' })]],
  ])('drops %s', (_what, data) => {
    expect(parseFrameMessage(data)).toBeNull()
  })

  it.each([
    ['hello at an unknown location', { type: 'hello', location: 'sidebar', publicKey: key }],
    ['hello without a key', { type: 'hello', location: 'remote' }],
    ['hello with a key without kty', { type: 'hello', location: 'remote', publicKey: { crv: 'P-256' } }],
    ['owner without idle', { type: 'owner', location: 'window', publicKey: key }],
    ['owner with idle as a string', { type: 'owner', location: 'window', publicKey: key, idle: 'yes' }],
    ['handover-request without a key', { type: 'handover-request' }],
    ['handover-ready without to', { type: 'handover-ready' }],
    ['handover-ready with a half box', { type: 'handover-ready', to: 'b', credentials: { publicKey: key, iv: 'x' } }],
    ['a command for an unknown method', { type: 'command', id: '1', to: 'a', method: 'dispose', args: [] }],
    ['a command for on()', { type: 'command', id: '1', to: 'a', method: 'on', args: [] }],
    ['a command without args', { type: 'command', id: '1', to: 'a', method: 'call' }],
    ['a command with args as an object', { type: 'command', id: '1', to: 'a', method: 'call', args: { 0: '+441' } }],
    ['a command without id', { type: 'command', to: 'a', method: 'call', args: [] }],
    ['a result without ok', { type: 'result', id: '1', to: 'b', value: 1 }],
    ['an ok result without value', { type: 'result', id: '1', to: 'b', ok: true }],
    ['a failed result without error', { type: 'result', id: '1', to: 'b', ok: false }],
    ['a failed result whose error has no message', { type: 'result', id: '1', to: 'b', ok: false, error: { name: 'Error' } }],
    ['a result with ok as a string', { type: 'result', id: '1', to: 'b', ok: 'true', value: 1 }],
    ['an event of an unknown SIP event', { type: 'event', record: { event: 'teleported', payload: {}, at: 1 } }],
    ['an event without at', { type: 'event', record: { event: 'held', payload: { held: true } } }],
    ['an event without payload', { type: 'event', record: { event: 'held', at: 1 } }],
    ['an event with a numeric reporter', { type: 'event', record, reporter: 7 }],
    ['a snapshot with one bad record', { type: 'snapshot', to: 'b', records: [record, { event: 'x', payload: 1, at: 1 }] }],
    ['a snapshot without records', { type: 'snapshot', to: 'b' }],
    ['standby without credentials', { type: 'standby', to: 'b' }],
    ['credentials with a box without data', { type: 'credentials', to: 'b', credentials: { publicKey: key, iv: 'x' } }],
    ['hubspot-send without method', { type: 'hubspot-send', to: 'a', payload: {} }],
    ['hubspot-answer without event', { type: 'hubspot-answer', payload: {} }],
    ['storage-set with a numeric value', { type: 'storage-set', key: 'k', value: 1, old: null }],
    ['storage-set without old', { type: 'storage-set', key: 'k', value: 'v' }],
    ['storage-snapshot with a numeric value', { type: 'storage-snapshot', to: 'b', entries: [['k', 1]] }],
    ['storage-snapshot with entries as an object', { type: 'storage-snapshot', to: 'b', entries: { k: 'v' } }],
    ['lease without priority', { type: 'lease' }],
    ['claim with priority as a string', { type: 'claim', priority: '2' }],
  ])('drops %s', (_what, message) => {
    expect(parseFrameMessage(stamp(message))).toBeNull()
  })
})
