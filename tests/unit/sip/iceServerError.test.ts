import { describe, expect, it } from 'vitest'
import { describeIceServerError } from '@/sip/media'

describe('describeIceServerError: a STUN/TURN server\'s icecandidateerror in words', () => {
  it.each([401, 403, 437, 441])('%i: the server refused the credentials, named with its URL', (errorCode) => {
    expect(describeIceServerError({ url: 'turns:turn.example.com:443?transport=tcp', errorCode, errorText: 'Unauthorized.' }))
      .toBe(`the TURN/STUN server turns:turn.example.com:443?transport=tcp refused the credentials (${errorCode} Unauthorized)`)
  })
  it('701: not reachable', () => {
    expect(describeIceServerError({ url: 'turn:10.0.0.1:3478', errorCode: 701, errorText: '' })).toBe('the TURN/STUN server turn:10.0.0.1:3478 could not be reached')
  })
  it('another code is shown as it came, without a URL when there is none', () => {
    expect(describeIceServerError({ errorCode: 508, errorText: 'Insufficient Capacity' })).toBe('the TURN/STUN server answered 508 Insufficient Capacity')
  })
})
