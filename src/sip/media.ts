import { Web } from 'sip.js'
import type {
  Session,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  SessionDescriptionHandlerModifier,
  SessionDescriptionHandlerOptions,
  BodyAndContentType,
} from 'sip.js'
import { t } from '@/i18n'

/** The part of an RTCPeerConnection the adapter looks at (the Web SDH exposes a real one). */
export interface PeerConnectionLike {
  readonly connectionState: RTCPeerConnectionState
  readonly iceConnectionState: RTCIceConnectionState
  /** Where the offer/answer stands (JSEP); a failed re-INVITE leaves `have-local-offer`. */
  readonly signalingState?: RTCSignalingState
  /** Only used to roll back a local offer (`{ type: 'rollback' }`, JSEP §4.1.10.2). */
  setLocalDescription?: (description: { type: 'rollback' }) => Promise<void>
  setRemoteDescription?: (description: { type: 'rollback' }) => Promise<void>
  getTransceivers?: () => ReadonlyArray<{ direction: RTCRtpTransceiverDirection, readonly currentDirection: RTCRtpTransceiverDirection | null }>
  readonly iceGatheringState?: RTCIceGatheringState
  getSenders: () => ReadonlyArray<{ readonly track: MediaStreamTrack | null, readonly dtmf?: DtmfSenderLike | null }>
  getReceivers: () => ReadonlyArray<{ readonly track: MediaStreamTrack }>
  getStats?: () => Promise<RTCStatsReport>
}

/** The part of an RTCDTMFSender we use. */
export interface DtmfSenderLike {
  readonly canInsertDTMF?: boolean
  readonly toneBuffer: string
  insertDTMF: (tones: string, duration?: number, interToneGap?: number) => void
}

/** The event hooks of the Web SDH (`peerConnectionDelegate`), as far as we use them. */
interface PeerConnectionHooks {
  onconnectionstatechange?: (event: Event) => void
  oniceconnectionstatechange?: (event: Event) => void
  onicecandidateerror?: (event: RTCPeerConnectionIceErrorEvent) => void
  onicecandidate?: (event: RTCPeerConnectionIceEvent) => void
  onicegatheringstatechange?: (event: Event) => void
  ontrack?: (event: Event) => void
}

/**
 * Why a STUN/TURN server gave no candidate (`icecandidateerror`, W3C WebRTC §4.8.2), as a
 * clause an agent or an admin can act on, e.g. "the TURN/STUN server turns:turn.example.com:443
 * refused the credentials (401 Unauthorized)": 401/403 are the TURN server refusing the credentials
 * (RFC 8656 §18.1 / RFC 8489 §14.8), 701 is Chromium's "server not reachable".
 */
export function describeIceServerError(event: { url?: string, errorCode: number, errorText?: string }): string {
  const server = event.url ? t('sip.iceServerAt', { url: event.url }) : t('sip.iceServer')
  const text = (event.errorText ?? '').trim().replace(/\.+$/, '')
  const code = text ? `${event.errorCode} ${text}` : String(event.errorCode)
  if (event.errorCode === 401 || event.errorCode === 403 || event.errorCode === 437 || event.errorCode === 441)
    return t('sip.iceServerRefused', { server, code })
  if (event.errorCode === 701)
    return t('sip.iceServerUnreachable', { server })
  return t('sip.iceServerAnswered', { server, code })
}

/** A SessionDescriptionHandler that owns a peer connection, like sip.js's Web SDH. */
interface MediaSdh extends SessionDescriptionHandler {
  readonly peerConnection: PeerConnectionLike | undefined
  peerConnectionDelegate?: PeerConnectionHooks | undefined
  /** The Web SDH's way to swap the local tracks (replaceTrack on the senders, old tracks stopped). */
  setLocalMediaStream?: (stream: MediaStream) => Promise<void>
}

function isMediaSdh(sdh: SessionDescriptionHandler): sdh is MediaSdh {
  return 'peerConnection' in sdh
}

/** What a call wants to hear from its SDH. */
export interface SdhObserver {
  /** An offer/answer step completed or a remote track arrived: re-apply mute, re-attach audio. */
  onMediaChanged: () => void
  /** ICE/DTLS failed (`connectionState` or `iceConnectionState` became 'failed'). */
  onMediaFailure: (message: string) => void
  /** getDescription/setDescription failed: remember why, sip.js ends the session itself. */
  onNegotiationError: (error: unknown) => void
  /**
   * ICE had connected and is now `disconnected` or `failed` (a network change, a VPN going up
   * or down): the owner may restart ICE. Without this hook a `failed` is an onMediaFailure.
   */
  onIceInterrupted?: (state: 'disconnected' | 'failed') => void
  /** ICE is `connected`/`completed` (again). */
  onIceConnected?: () => void
}

/**
 * Wraps the real SDH so the adapter learns about negotiation results and peer connection
 * failures without patching sip.js. Everything is delegated to `inner`.
 */
export class ObservedSdh implements SessionDescriptionHandler {
  readonly rollbackDescription?: () => Promise<void>
  private closed = false
  /** ICE reached `connected` once: a later loss is an interruption, not a failure to connect. */
  private iceConnected = false
  /** The last STUN/TURN server error of this peer connection, named if ICE then fails. */
  private iceServerError: string | undefined
  /** Local candidates gathered so far: none at all means no audio path can ever exist. */
  private candidates = 0

  constructor(readonly inner: SessionDescriptionHandler, private readonly observer: SdhObserver) {
    // sip.js calls this when a re-INVITE of ours is refused (491 glare, 488, 408…). The Web SDH
    // has none, so sip.js's rollback did nothing and the peer connection stayed in
    // have-local-offer: every later offer from the far end failed (488) and our next hold threw
    // "Invalid signaling state have-local-offer". Roll the offer back ourselves.
    const rollback = inner.rollbackDescription?.bind(inner)
    this.rollbackDescription = rollback ?? (() => this.rollbackLocalOffer())
    if (isMediaSdh(inner)) {
      const previous = inner.peerConnectionDelegate
      const check = () => this.checkConnection()
      inner.peerConnectionDelegate = {
        ...previous,
        onconnectionstatechange: (event) => {
          previous?.onconnectionstatechange?.(event)
          check()
        },
        oniceconnectionstatechange: (event) => {
          previous?.oniceconnectionstatechange?.(event)
          check()
        },
        onicecandidate: (event) => {
          previous?.onicecandidate?.(event)
          if (event.candidate?.candidate)
            this.candidates++
        },
        onicegatheringstatechange: (event) => {
          previous?.onicegatheringstatechange?.(event)
          // Relay-only (or every interface failing) and the STUN/TURN server refused: ICE would
          // sit in "checking" with nothing to check. Say so now rather than after a silent call.
          if (this.peerConnection?.iceGatheringState === 'complete' && this.candidates === 0 && this.iceServerError)
            this.notify(() => this.observer.onMediaFailure(t('sip.noNetworkPath', { why: this.iceServerError })))
        },
        onicecandidateerror: (event) => {
          previous?.onicecandidateerror?.(event)
          // 701 (unreachable) is reported for every interface/server pair that fails, even when
          // another one worked; keep a refusal (a 4xx) over it.
          if (event.errorCode !== 701 || this.iceServerError === undefined)
            this.iceServerError = describeIceServerError(event)
        },
        ontrack: (event) => {
          previous?.ontrack?.(event)
          this.notify(() => this.observer.onMediaChanged())
        },
      }
    }
  }

  get peerConnection(): PeerConnectionLike | undefined {
    return isMediaSdh(this.inner) ? this.inner.peerConnection : undefined
  }

  /**
   * Closes the peer connection and stops the local tracks one task later. sip.js closes the SDH
   * inside the task that ends the session, right after its Terminated listeners, where the app
   * tells HubSpot CALL_ENDED; HubSpot receives that message only once the task is over, and the
   * close (peer connection close + track stop) was ~5 ms of it in the bench's CPU profile of
   * BYE → CALL_ENDED. From this call on the SDH reports nothing to its observer.
   */
  close(): void {
    if (this.closed)
      return
    this.closed = true
    setTimeout(() => this.inner.close(), 0)
  }

  getDescription(options?: SessionDescriptionHandlerOptions, modifiers?: SessionDescriptionHandlerModifier[]): Promise<BodyAndContentType> {
    return this.observe(() => this.inner.getDescription(options, modifiers))
  }

  setDescription(sdp: string, options?: SessionDescriptionHandlerOptions, modifiers?: SessionDescriptionHandlerModifier[]): Promise<void> {
    return this.observe(() => this.inner.setDescription(sdp, options, modifiers))
  }

  hasDescription(contentType: string): boolean {
    return this.inner.hasDescription(contentType)
  }

  sendDtmf(tones: string, options?: unknown): boolean {
    return this.inner.sendDtmf(tones, options)
  }

  /**
   * Undo an offer that failed (JSEP rollback): ours the far end refused, or theirs we could not
   * apply; back to `stable` with the last
   * negotiated session, and each transceiver's direction back to what was negotiated (the
   * offer set it, e.g. `sendonly` for hold; rollback does not undo that). A no-op when there
   * is no pending local offer.
   */
  async rollbackLocalOffer(): Promise<void> {
    const pc = this.peerConnection
    if (this.closed || !pc)
      return
    if (pc.signalingState === 'have-local-offer' && pc.setLocalDescription)
      await pc.setLocalDescription({ type: 'rollback' })
    else if (pc.signalingState === 'have-remote-offer' && pc.setRemoteDescription)
      await pc.setRemoteDescription({ type: 'rollback' })
    else
      return
    for (const transceiver of pc.getTransceivers?.() ?? []) {
      const negotiated = transceiver.currentDirection
      if (negotiated && negotiated !== 'stopped' && transceiver.direction !== 'stopped' && transceiver.direction !== negotiated)
        transceiver.direction = negotiated
    }
  }

  /** Enable/disable every local sender track (mute, hold). */
  enableSenders(enabled: boolean): void {
    for (const sender of this.peerConnection?.getSenders() ?? []) {
      // Only a real change is written: each offer/answer and remote track re-applies the state.
      if (sender.track && sender.track.enabled !== enabled)
        sender.track.enabled = enabled
    }
  }

  /**
   * RFC 4733 telephone-events through the audio sender's RTCDTMFSender. Tones still queued
   * from an earlier press are kept (insertDTMF alone would replace them), so quick presses
   * all arrive, in order. False when there is no DTMF sender (the caller falls back to INFO).
   */
  insertDtmf(tones: string, durationMs: number, gapMs: number): boolean {
    const sender = this.peerConnection?.getSenders().find(s => s.dtmf && (s.track === null || s.track.kind === 'audio'))
    const dtmf = sender?.dtmf
    if (!dtmf || dtmf.canInsertDTMF === false)
      return false
    try {
      dtmf.insertDTMF(dtmf.toneBuffer + tones, durationMs, gapMs)
      return true
    }
    catch {
      return false
    }
  }

  /** Swap the microphone for `stream`'s audio track (the old track is stopped). */
  async replaceMicrophone(stream: MediaStream): Promise<void> {
    const inner = this.inner
    if (this.closed || !isMediaSdh(inner) || !inner.setLocalMediaStream) {
      stream.getTracks().forEach(track => track.stop())
      throw new Error('The call has no audio to switch.')
    }
    await inner.setLocalMediaStream(stream)
  }

  /** The peer connection's statistics, or `null` when it is gone (or a test double has none). */
  async stats(): Promise<RTCStatsReport | null> {
    const pc = this.peerConnection
    if (this.closed || !pc?.getStats)
      return null
    return pc.getStats()
  }

  /** The live remote audio tracks, from the peer connection's receivers. */
  remoteAudioTracks(): MediaStreamTrack[] {
    return (this.peerConnection?.getReceivers() ?? [])
      .map(receiver => receiver.track)
      .filter(track => track.kind === 'audio' && track.readyState !== 'ended')
  }

  private async observe<T>(step: () => Promise<T>): Promise<T> {
    let result: T
    try {
      result = await step()
    }
    catch (error) {
      this.notify(() => this.observer.onNegotiationError(error))
      throw error
    }
    this.notify(() => this.observer.onMediaChanged())
    return result
  }

  /** Observer trouble must never turn into an SDH failure (sip.js would end the call). */
  private notify(report: () => void): void {
    if (this.closed)
      return
    try {
      report()
    }
    catch {
      // The adapter logs its own failures; swallow here to keep sip.js's flow intact.
    }
  }

  private checkConnection(): void {
    const pc = this.peerConnection
    if (this.closed || !pc)
      return
    const ice = pc.iceConnectionState
    if (ice === 'connected' || ice === 'completed') {
      this.iceConnected = true
      this.notify(() => this.observer.onIceConnected?.())
      return
    }
    const interrupted = this.observer.onIceInterrupted
    if (this.iceConnected && interrupted && (ice === 'disconnected' || ice === 'failed' || pc.connectionState === 'failed')) {
      this.notify(() => interrupted(ice === 'disconnected' ? 'disconnected' : 'failed'))
      return
    }
    const server = this.iceServerError ?? ''
    if (pc.connectionState === 'failed')
      this.notify(() => this.observer.onMediaFailure(t(server ? 'sip.iceDtlsFailedWhy' : 'sip.iceDtlsFailed', { why: server })))
    else if (pc.iceConnectionState === 'failed')
      this.notify(() => this.observer.onMediaFailure(t(server ? 'sip.iceFailedWhy' : 'sip.iceConnectionFailed', { why: server })))
  }
}

/**
 * How long an offer/answer waits for ICE gathering before it goes out with the candidates
 * found so far. sip.js waits for gathering to complete (up to 5 s): with an unreachable
 * STUN/TURN server that is seconds of dead air between the click and the INVITE. Host
 * candidates arrive within milliseconds; a reachable STUN server answers within one round trip.
 */
export const ICE_GATHERING_TIMEOUT_MS = 400

/**
 * sip.js's Web SDH factory with two fixes: ICE gathering is bounded by
 * `ICE_GATHERING_TIMEOUT_MS` (unless the caller sets `iceGatheringTimeout`), and if the call
 * is torn down while getUserMedia is still pending (hangup during the permission prompt),
 * the Web SDH drops the late stream without stopping it and the microphone stays on.
 * Stop those tracks ourselves.
 */
export function webSessionDescriptionHandlerFactory(): SessionDescriptionHandlerFactory {
  const getUserMedia = Web.defaultMediaStreamFactory()
  const mediaStreamFactory: Web.MediaStreamFactory = async (constraints, sdh, options) => {
    const stream = await getUserMedia(constraints, sdh, options)
    if (sdh.peerConnection === undefined)
      stream.getTracks().forEach(track => track.stop())
    return stream
  }
  const factory = Web.defaultSessionDescriptionHandlerFactory(mediaStreamFactory)
  return (session, options?: Web.SessionDescriptionHandlerFactoryOptions) => {
    const sdh = factory(session, { ...options, iceGatheringTimeout: options?.iceGatheringTimeout ?? ICE_GATHERING_TIMEOUT_MS })
    if (sdh instanceof Web.SessionDescriptionHandler)
      completeIceEarly(sdh, options?.peerConnectionConfiguration?.iceServers ?? [])
    return sdh
  }
}

/**
 * Quiet time after the last useful ICE candidate before the offer/answer goes out. Chromium
 * hands over its host candidates in one burst (0.2 ms apart in the bench's trace; the next
 * ones, if any, ~100 ms later), so 3 ms is enough to take the whole burst; 10 ms was a third of
 * DIAL_NUMBER → INVITE. A candidate that misses it still works: the far end learns it as
 * peer-reflexive from our connectivity checks (RFC 8445 §7.3.1.3).
 */
export const ICE_QUIET_MS = 3

/**
 * Chromium reports gathering `complete` ~120 ms after its host candidates, which arrive within
 * a few ms. Stop waiting (sip.js's `iceGatheringComplete()`, made for this) once the candidates
 * the configuration can produce are in: host candidates without ICE servers, a server-reflexive
 * one with STUN only, a relay one with TURN; then `ICE_QUIET_MS` without another candidate.
 */
function completeIceEarly(sdh: Web.SessionDescriptionHandler, iceServers: RTCIceServer[]): void {
  const urls = iceServers.flatMap(server => [server.urls].flat())
  const needed: RTCIceCandidateType = urls.some(url => /^turns?:/i.test(url)) ? 'relay' : urls.length > 0 ? 'srflx' : 'host'
  let ready = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const previous = sdh.peerConnectionDelegate
  sdh.peerConnectionDelegate = {
    ...previous,
    onicecandidate: (event) => {
      previous?.onicecandidate?.(event)
      const candidate = event.candidate
      if (!candidate?.candidate)
        return
      ready ||= (candidate.type ?? /\btyp (\w+)/.exec(candidate.candidate)?.[1]) === needed
      if (!ready)
        return
      clearTimeout(timer)
      timer = setTimeout(() => sdh.iceGatheringComplete(), ICE_QUIET_MS)
    },
  }
}

/** Wrap every SDH the factory makes; `observerFor` decides who listens (by session). */
export function observingFactory(
  base: SessionDescriptionHandlerFactory,
  observerFor: (session: Session) => SdhObserver,
): SessionDescriptionHandlerFactory {
  return (session, options) => new ObservedSdh(base(session, options), observerFor(session))
}

/** A readable message for a getUserMedia/offer failure. */
export function describeMediaError(error: unknown): string {
  const name = error instanceof Error ? error.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return t('sip.micDenied')
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return t('sip.noMic')
  if (name === 'NotReadableError' || name === 'AbortError')
    return t('sip.micBusy')
  const detail = error instanceof Error ? error.message : String(error)
  return t('sip.audioSetup', { why: detail })
}
