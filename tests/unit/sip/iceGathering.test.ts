import type { Session } from 'sip.js'
import { Web } from 'sip.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ICE_GATHERING_TIMEOUT_MS, webSessionDescriptionHandlerFactory } from '@/sip/media'

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

  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description
    this.signalingState = 'have-local-offer'
  }
}

const logger = { debug: () => {}, log: () => {}, warn: () => {}, error: () => {} }
const session = { userAgent: { getLogger: () => logger } } as unknown as Session
const NO_MEDIA: Web.SessionDescriptionHandlerOptions = { constraints: { audio: false, video: false } }

beforeEach(() => {
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
    expect(ICE_GATHERING_TIMEOUT_MS).toBeLessThanOrEqual(500)
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
})
