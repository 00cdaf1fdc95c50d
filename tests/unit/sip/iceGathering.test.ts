import type { Session } from 'sip.js'
import { Web } from 'sip.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ICE_GATHERING_TIMEOUT_MS, ICE_QUIET_MS, webSessionDescriptionHandlerFactory } from '@/sip/media'

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 2122260223 192.168.1.2 50000 typ host\r\n'

/**
 * The part of RTCPeerConnection sip.js's Web SDH touches for an audio-less offer, with ICE
 * gathering that never completes: what Chromium does while an unreachable STUN server times out.
 */
class StuckGatheringPeerConnection {
  signalingState: RTCSignalingState = 'stable'
  iceGatheringState: RTCIceGatheringState = 'gathering'
  connectionState: RTCPeerConnectionState = 'new'
  iceConnectionState: RTCIceConnectionState = 'new'
  localDescription: RTCSessionDescriptionInit | null = null
  getSenders = () => []
  getReceivers = () => []
  getTransceivers = () => []
  close = () => {
    this.signalingState = 'closed'
  }

  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: OFFER }
  }

  onicecandidate: ((event: { candidate: { candidate: string, type: string } | null }) => void) | null = null

  /** Candidates this connection "finds": [ms after setLocalDescription, type]. */
  static candidates: Array<[number, RTCIceCandidateType]> = []

  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description
    this.signalingState = 'have-local-offer'
    for (const [ms, type] of StuckGatheringPeerConnection.candidates)
      setTimeout(() => this.onicecandidate?.({ candidate: { candidate: `candidate:1 1 udp 1 192.0.2.2 5000 typ ${type}`, type } }), ms)
  }
}

const logger = { debug: () => {}, log: () => {}, warn: () => {}, error: () => {} }
const session = { userAgent: { getLogger: () => logger } } as unknown as Session
const NO_MEDIA: Web.SessionDescriptionHandlerOptions = { constraints: { audio: false, video: false } }

beforeEach(() => {
  StuckGatheringPeerConnection.candidates = []
  vi.useFakeTimers()
  vi.stubGlobal('RTCPeerConnection', StuckGatheringPeerConnection)
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

function offerAfter(factoryOptions: Web.SessionDescriptionHandlerFactoryOptions | undefined): { settledAt: () => number | undefined, sdp: Promise<string> } {
  const sdh = webSessionDescriptionHandlerFactory()(session, factoryOptions)
  const start = Date.now()
  let settled: number | undefined
  const sdp = sdh.getDescription(NO_MEDIA).then((body) => {
    settled = Date.now() - start
    return body.body
  })
  return { settledAt: () => settled, sdp }
}

describe('ICE gathering bound', () => {
  it('sends the offer with the candidates so far after ICE_GATHERING_TIMEOUT_MS, not after sip.js\'s 5 s', async () => {
    const offer = offerAfter(undefined)

    await vi.advanceTimersByTimeAsync(ICE_GATHERING_TIMEOUT_MS - 1)
    expect(offer.settledAt()).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)

    expect(offer.settledAt()).toBe(ICE_GATHERING_TIMEOUT_MS)
    await expect(offer.sdp).resolves.toContain('typ host')
  })

  it('keeps a timeout the caller chose explicitly', async () => {
    const offer = offerAfter({ iceGatheringTimeout: 1500 })

    await vi.advanceTimersByTimeAsync(1499)
    expect(offer.settledAt()).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)

    expect(offer.settledAt()).toBe(1500)
  })

  it('without ICE servers, goes out ICE_QUIET_MS after the last host candidate instead of waiting for "complete"', async () => {
    StuckGatheringPeerConnection.candidates = [[1, 'host'], [3, 'host']]
    const offer = offerAfter(undefined)

    await vi.advanceTimersByTimeAsync(3 + ICE_QUIET_MS - 1)
    expect(offer.settledAt()).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)

    expect(offer.settledAt()).toBe(3 + ICE_QUIET_MS)
  })

  it('with a STUN server, waits for its server-reflexive candidate, not just the host ones', async () => {
    StuckGatheringPeerConnection.candidates = [[1, 'host'], [40, 'srflx']]
    const offer = offerAfter({ peerConnectionConfiguration: { iceServers: [{ urls: 'stun:stun.example.com:3478' }] } })

    await vi.advanceTimersByTimeAsync(39)
    expect(offer.settledAt()).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1 + ICE_QUIET_MS)

    expect(offer.settledAt()).toBe(40 + ICE_QUIET_MS)
  })

  it('with a TURN server, a server-reflexive candidate is not enough: it waits for relay or the bound', async () => {
    StuckGatheringPeerConnection.candidates = [[1, 'host'], [40, 'srflx']]
    const offer = offerAfter({ peerConnectionConfiguration: { iceServers: [{ urls: ['stun:stun.example.com', 'turn:turn.example.com'], username: 'u', credential: 'c' }] } })

    await vi.advanceTimersByTimeAsync(ICE_GATHERING_TIMEOUT_MS - 1)
    expect(offer.settledAt()).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)

    expect(offer.settledAt()).toBe(ICE_GATHERING_TIMEOUT_MS)
  })
})
