import { describe, expect, it } from 'vitest'
import { cancelReason, parseWireCancel } from '@/sip/cancelReason'

describe('cancelReason (RFC 3326 Reason in a CANCEL)', () => {
  it.each<[string[], string]>([
    [['SIP;cause=200;text="Call completed elsewhere"'], 'answered-elsewhere'],
    [['SIP ; cause = 200'], 'answered-elsewhere'],
    [['sip;text="Call completed elsewhere";cause=200'], 'answered-elsewhere'],
    [['Q.850;cause=26'], 'answered-elsewhere'],
    [['Q.850;cause=16', 'SIP;cause=200'], 'answered-elsewhere'],
    [['Q.850;cause=16;text="Normal call clearing", SIP;cause=200'], 'answered-elsewhere'],
    [[], 'caller'],
    [['Q.850;cause=16'], 'caller'],
    [['SIP;cause=2000'], 'caller'],
    [['SIP;cause=487'], 'caller'],
    [['Q.850;cause=260'], 'caller'],
    [['X-Foo;cause=200'], 'caller'],
  ])('%j → %s', (headers, expected) => {
    expect(cancelReason(headers)).toBe(expected)
  })
})

describe('parseWireCancel', () => {
  const cancel = (headers: string[]): string => ['CANCEL sip:abc@10.0.0.1;transport=ws SIP/2.0', 'Via: SIP/2.0/WS x;branch=z9hG4bK1', ...headers, 'Content-Length: 0', '', ''].join('\r\n')

  it('reads the Call-ID and the Reason of a CANCEL', () => {
    expect(parseWireCancel(cancel(['Call-ID: 1a2b@pbx', 'Reason: SIP;cause=200;text="Call completed elsewhere"']))).toEqual({ callId: '1a2b@pbx', reason: 'answered-elsewhere' })
    expect(parseWireCancel(cancel(['i: short-form@pbx']))).toEqual({ callId: 'short-form@pbx', reason: 'caller' })
  })

  it('ignores everything that is not a CANCEL, and a body that only looks like headers', () => {
    expect(parseWireCancel('SIP/2.0 200 OK\r\nCall-ID: x\r\nCSeq: 1 CANCEL\r\n\r\n')).toBeNull()
    expect(parseWireCancel('INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n')).toBeNull()
    expect(parseWireCancel(cancel([]))).toBeNull()
    expect(parseWireCancel(['CANCEL sip:a@b SIP/2.0', 'Call-ID: y', '', 'Reason: SIP;cause=200'].join('\r\n'))).toEqual({ callId: 'y', reason: 'caller' })
  })
})
