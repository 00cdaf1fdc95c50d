import { describe, expect, it } from 'vitest'
import type { SessionDescriptionHandler } from 'sip.js'
import { describeIceServerError, ObservedSdh } from '@/sip/media'

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

describe('ObservedSdh: a refused TURN server with no candidate at all fails the media at once', () => {
  type Hooks = {
    onicecandidate?: (event: { candidate: { candidate: string } | null }) => void
    onicecandidateerror?: (event: { url: string, errorCode: number, errorText: string }) => void
    onicegatheringstatechange?: (event: Event) => void
  }
  function fakeSdh() {
    const pc = { connectionState: 'new', iceConnectionState: 'new', iceGatheringState: 'gathering', getSenders: () => [], getReceivers: () => [] }
    const inner = {
      peerConnection: pc,
      peerConnectionDelegate: undefined as Hooks | undefined,
      getDescription: () => Promise.resolve({ body: '', contentType: 'application/sdp' }),
      setDescription: () => Promise.resolve(),
      hasDescription: () => true,
      sendDtmf: () => true,
      close: () => {},
    }
    const failures: string[] = []
    new ObservedSdh(inner as unknown as SessionDescriptionHandler, { onMediaChanged: () => {}, onMediaFailure: m => failures.push(m), onNegotiationError: () => {} })
    const hooks = inner.peerConnectionDelegate as unknown as Required<Hooks>
    const complete = () => {
      pc.iceGatheringState = 'complete'
      hooks.onicegatheringstatechange(new Event('icegatheringstatechange'))
    }
    return { hooks, complete, failures }
  }
  const refusal = { url: 'turn:192.0.2.2:3479?transport=udp', errorCode: 401, errorText: 'Unauthorized' }

  it('gathering complete, no candidate, a 401 from the TURN server: one readable failure', () => {
    const { hooks, complete, failures } = fakeSdh()
    hooks.onicecandidateerror(refusal)
    complete()
    expect(failures).toEqual(['no network path: the TURN/STUN server turn:192.0.2.2:3479?transport=udp refused the credentials (401 Unauthorized).'])
  })

  it('a candidate was found (another server or interface worked): no failure yet, ICE decides', () => {
    const { hooks, complete, failures } = fakeSdh()
    hooks.onicecandidateerror(refusal)
    hooks.onicecandidate({ candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host' } })
    complete()
    expect(failures).toEqual([])
  })

  it('no candidate but no server error either: left to ICE (nothing to name)', () => {
    const { complete, failures } = fakeSdh()
    complete()
    expect(failures).toEqual([])
  })
})
