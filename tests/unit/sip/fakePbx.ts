/**
 * A fake PBX behind sip.js's own Transport seam, and a fake SessionDescriptionHandler
 * behind its SDH factory seam. The real sip.js UserAgent/Registerer/Inviter run on top.
 */
import { createHash } from 'node:crypto'
import { Core, EmitterImpl, TransportState } from 'sip.js'
import type {
  BodyAndContentType,
  Emitter,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  Transport,
} from 'sip.js'
import type { SipPhone, SipPhoneEvents, SipEventName } from '@/sip/types'

const loggerFactory = new Core.LoggerFactory()
loggerFactory.builtinEnabled = false
const parserLogger = loggerFactory.getLogger('fake-pbx')

export const DOMAIN = 'pbx.test'
export const SERVER = 'wss://pbx.test:8089/ws'
export const USER = '1001'
export const PASSWORD = 'Sup3r-Secret-Pa55'
const REALM = 'asterisk'

export const ANSWER_SDP = [
  'v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=Asterisk', 'c=IN IP4 192.0.2.10', 't=0 0',
  'm=audio 10000 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=sendrecv', '',
].join('\r\n')
export const OFFER_SDP = [
  'v=0', 'o=- 2 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=sendrecv', '',
].join('\r\n')

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex')
}

function random(): string {
  return Math.random().toString(36).slice(2, 10)
}

/** A request the softphone sent, parsed with sip.js's own parser. */
export class SentRequest {
  constructor(readonly raw: string, readonly message: Core.IncomingRequestMessage) {}
  get method(): string { return this.message.method }
  get ruri(): string { return String(this.message.ruri) }
  get callId(): string { return this.message.callId }
  header(name: string): string | undefined { return this.message.getHeader(name) }
}

export interface ResponseOptions {
  body?: string
  headers?: string[]
}

export class FakePbx {
  /** The password the PBX accepts for USER. */
  password = PASSWORD
  reachable = true
  /** Challenge every new INVITE with 401 like Asterisk does. */
  challengeInvites = false
  /** Answer CANCEL with 200 and the INVITE with 487 (false: the PBX ignores CANCEL). */
  answerCancel = true
  /** How the PBX answers a REFER. */
  referReply = { status: 202, reason: 'Accepted' }
  /** How the PBX answers the next re-INVITEs (one entry each, then 200 OK with SDP). */
  reinviteReplies: Array<{ status: number, reason: string }> = []
  /** How the PBX answers every later in-dialog re-INVITE once `reinviteReplies` is empty (default 200 with ANSWER_SDP); e.g. 481 once the dialog is gone. */
  reinviteReply: { status: number, reason: string } | undefined
  /** Answer every REGISTER with this instead of the digest dance. */
  registerReply: { status: number, reason: string } | undefined
  readonly requests: SentRequest[] = []
  readonly responses: string[] = []
  readonly transports: FakeTransport[] = []
  private readonly toTags = new Map<string, string>()
  private readonly nonces = new Set<string>()
  private waiters: Array<() => void> = []
  private byeCseq = 100

  /** The Transport class handed to createSipPhone's `transportConstructor` seam. */
  readonly Transport: new (logger: Core.Logger, options: { server: string }) => Transport

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const pbx = this
    this.Transport = class extends FakeTransport {
      constructor(logger: Core.Logger, options: { server: string }) {
        super(pbx, options.server, logger)
        pbx.transports.push(this)
      }
    }
  }

  get transport(): FakeTransport {
    const last = this.transports[this.transports.length - 1]
    if (!last)
      throw new Error('No transport yet')
    return last
  }

  sent(method: string): SentRequest[] {
    return this.requests.filter(r => r.method === method)
  }

  /** Resolves with the `count`-th request of `method` (1-based), waiting for it if needed. */
  async waitFor(method: string, count = 1): Promise<SentRequest> {
    for (;;) {
      const found = this.sent(method)[count - 1]
      if (found)
        return found
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /** Resolves once the softphone sent a response with this status for `method`. */
  async waitForResponse(status: number, method: string): Promise<string> {
    const matches = (raw: string) => raw.startsWith(`SIP/2.0 ${status} `) && new RegExp(`^CSeq: \\d+ ${method}`, 'mi').test(raw)
    for (;;) {
      const found = this.responses.find(matches)
      if (found)
        return found
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /** Called by the transport for every message the softphone sends. */
  receive(raw: string): void {
    if (raw.startsWith('SIP/2.0')) {
      this.responses.push(raw)
    }
    else {
      const message = Core.Parser.parseMessage(raw, parserLogger)
      if (!(message instanceof Core.IncomingRequestMessage))
        throw new Error(`Fake PBX could not parse:\n${raw}`)
      const request = new SentRequest(raw, message)
      this.requests.push(request)
      this.autoRespond(request)
    }
    for (const wake of this.waiters.splice(0))
      wake()
  }

  private autoRespond(request: SentRequest): void {
    switch (request.method) {
      case 'REGISTER':
        this.onRegister(request)
        break
      case 'INVITE':
        if (request.header('to')?.includes('tag=')) {
          // re-INVITE (hold, reconnection, ICE restart)
          const reply = this.reinviteReplies.shift() ?? this.reinviteReply
          if (reply)
            this.respond(request, reply.status, reply.reason)
          else
            this.respond(request, 200, 'OK', { body: ANSWER_SDP })
        }
        else if (this.challengeInvites && !this.hasValidDigest(request))
          this.challenge(request)
        break
      case 'CANCEL':
        if (this.answerCancel) {
          this.respond(request, 200, 'OK')
          const invite = [...this.sent('INVITE')].reverse().find(i => i.callId === request.callId)
          if (invite)
            this.respond(invite, 487, 'Request Terminated')
        }
        break
      case 'BYE':
      case 'INFO':
        this.respond(request, 200, 'OK')
        break
      case 'REFER':
        this.respond(request, this.referReply.status, this.referReply.reason)
        break
      default:
        break
    }
  }

  private onRegister(request: SentRequest): void {
    if (this.registerReply) {
      this.respond(request, this.registerReply.status, this.registerReply.reason)
      return
    }
    if (!this.hasValidDigest(request)) {
      this.challenge(request)
      return
    }
    const contact = request.header('contact') ?? ''
    const expires = /expires=0\b/.test(contact) || request.header('expires') === '0'
    this.respond(request, 200, 'OK', { headers: expires ? [] : [`Contact: ${contact}`] })
  }

  private challenge(request: SentRequest): void {
    const nonce = random()
    this.nonces.add(nonce)
    this.respond(request, 401, 'Unauthorized', {
      headers: [`WWW-Authenticate: Digest realm="${REALM}", nonce="${nonce}", qop="auth", algorithm=MD5`],
    })
  }

  private hasValidDigest(request: SentRequest): boolean {
    const header = request.header('authorization')
    if (!header)
      return false
    const fields = new Map<string, string>()
    for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
      fields.set(match[1] ?? '', match[2] ?? match[3] ?? '')
    const nonce = fields.get('nonce') ?? ''
    if (!this.nonces.has(nonce) || fields.get('username') !== USER)
      return false
    const ha1 = md5(`${USER}:${REALM}:${this.password}`)
    const ha2 = md5(`${request.method}:${fields.get('uri') ?? ''}`)
    const expected = md5(`${ha1}:${nonce}:${fields.get('nc') ?? ''}:${fields.get('cnonce') ?? ''}:auth:${ha2}`)
    return fields.get('response') === expected
  }

  /** The last INVITE that was not challenged (the one the call lives on). */
  async invite(): Promise<SentRequest> {
    for (let n = 1; ; n++) {
      const invite = await this.waitFor('INVITE', n)
      if (!this.challengeInvites || this.hasValidDigest(invite))
        return invite
    }
  }

  respond(request: SentRequest, status: number, reason: string, options: ResponseOptions = {}): void {
    const message = request.message
    const lines = [`SIP/2.0 ${status} ${reason}`]
    for (const via of message.getHeaders('via'))
      lines.push(`Via: ${via}`)
    let to = message.getHeader('to') ?? ''
    if (status > 100 && !to.includes('tag='))
      to += `;tag=${this.toTag(request.callId)}`
    lines.push(`From: ${message.getHeader('from') ?? ''}`, `To: ${to}`, `Call-ID: ${request.callId}`, `CSeq: ${message.getHeader('cseq') ?? ''}`)
    if (request.method === 'INVITE' && status >= 101 && status < 300)
      lines.push(`Contact: <sip:asterisk@${DOMAIN};transport=ws>`)
    lines.push(...(options.headers ?? []))
    const body = options.body ?? ''
    if (body)
      lines.push('Content-Type: application/sdp')
    lines.push(`Content-Length: ${new TextEncoder().encode(body).length}`, '', body)
    this.transport.deliver(lines.join('\r\n'))
  }

  /**
   * The PBX re-INVITEs an answered outbound call with an SDP offer (a session refresh, its own
   * hold, a codec change), or sends an UPDATE (RFC 3311; `body` = an offer, or none).
   * Returns the CSeq it used, to find the softphone's answer.
   */
  sendInDialog(invite: SentRequest, method: 'INVITE' | 'UPDATE', body: string | null = OFFER_SDP, headers: string[] = []): number {
    const contact = /<([^>]+)>/.exec(invite.header('contact') ?? '')?.[1] ?? ''
    const cseq = this.byeCseq++
    this.transport.deliver([
      `${method} ${contact} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: ${invite.header('to') ?? ''};tag=${this.toTag(invite.callId)}`,
      `To: ${invite.header('from') ?? ''}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:asterisk@${DOMAIN};transport=ws>`,
      ...headers,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${new TextEncoder().encode(body ?? '').length}`,
      '',
      body ?? '',
    ].join('\r\n'))
    return cseq
  }

  /** ACKs the softphone's 200 OK to the PBX's re-INVITE with CSeq `cseq`. */
  ackInDialog(invite: SentRequest, cseq: number): void {
    const ok = this.responses.find(raw => raw.startsWith('SIP/2.0 200') && new RegExp(`^CSeq: ${cseq} INVITE`, 'mi').test(raw))
    const target = /^Contact: <([^>]+)>/mi.exec(ok ?? '')?.[1]
    if (!ok || !target)
      throw new Error('The softphone has not answered this re-INVITE')
    this.transport.deliver([
      `ACK ${target} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: ${invite.header('to') ?? ''};tag=${this.toTag(invite.callId)}`,
      `To: ${invite.header('from') ?? ''}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${cseq} ACK`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'))
  }

  /** The status the softphone answered the in-dialog request with CSeq `cseq` (waits for it). */
  async responseTo(cseq: number, method: string): Promise<number> {
    const matches = (raw: string) => new RegExp(`^CSeq: ${cseq} ${method}`, 'mi').test(raw)
    for (;;) {
      const found = this.responses.find(matches)
      if (found)
        return Number(found.slice(8, 11))
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }

  /** The far end hangs up an answered call. */
  sendBye(invite: SentRequest): void {
    const contact = /<([^>]+)>/.exec(invite.header('contact') ?? '')?.[1] ?? ''
    const raw = [
      `BYE ${contact} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: ${invite.header('to') ?? ''};tag=${this.toTag(invite.callId)}`,
      `To: ${invite.header('from') ?? ''}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${this.byeCseq++} BYE`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n')
    this.transport.deliver(raw)
  }

  /**
   * The PBX calls the softphone: an INVITE with an SDP offer to the Contact it registered.
   * `from` is the From header's name-addr, e.g. `"Ada" <sip:+442079460700@pbx.test>`.
   */
  sendInvite(from = `"Ada Lovelace" <sip:+442079460700@${DOMAIN}>`): IncomingInvite {
    const register = this.sent('REGISTER').at(-1)
    const contact = /<([^>]+)>/.exec(register?.header('contact') ?? '')?.[1]
    if (!contact)
      throw new Error('The softphone has not registered a Contact yet')
    const invite: IncomingInvite = {
      callId: `inbound-${random()}@${DOMAIN}`,
      branch: `z9hG4bK${random()}`,
      fromTag: random(),
      from,
      ruri: contact,
      to: `<sip:${USER}@${DOMAIN}>`,
    }
    this.transport.deliver([
      `INVITE ${contact} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=${invite.branch}`,
      'Max-Forwards: 70',
      `From: ${from};tag=${invite.fromTag}`,
      `To: ${invite.to}`,
      `Contact: <sip:asterisk@${DOMAIN};transport=ws>`,
      `Call-ID: ${invite.callId}`,
      'CSeq: 1 INVITE',
      'Content-Type: application/sdp',
      `Content-Length: ${new TextEncoder().encode(OFFER_SDP).length}`,
      '',
      OFFER_SDP,
    ].join('\r\n'))
    return invite
  }

  /**
   * The caller gives up before the softphone answered (or the PBX cancels the leg). `reason` is
   * a Reason header value (RFC 3326), e.g. `SIP;cause=200;text="Call completed elsewhere"`.
   */
  sendCancel(invite: IncomingInvite, reason?: string): void {
    this.transport.deliver([
      `CANCEL ${invite.ruri} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=${invite.branch}`,
      'Max-Forwards: 70',
      `From: ${invite.from};tag=${invite.fromTag}`,
      `To: ${invite.to}`,
      `Call-ID: ${invite.callId}`,
      'CSeq: 1 CANCEL',
      ...(reason === undefined ? [] : [`Reason: ${reason}`]),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'))
  }

  /** The caller hangs up the call it placed to the softphone (BYE in the dialog of our 200 OK). */
  sendCallerBye(invite: IncomingInvite): void {
    this.sendAsCaller(invite, 'BYE', this.byeCseq++)
  }

  /** A request from the caller in the dialog the softphone's 200 OK to `invite` created (RFC 3261 §12.2.1.1). */
  private sendAsCaller(invite: IncomingInvite, method: 'ACK' | 'BYE', cseq: number): void {
    const ok = this.responses.find(raw => raw.startsWith('SIP/2.0 200') && raw.includes(invite.callId) && /^CSeq: 1 INVITE/mi.test(raw))
    const to = /^To: (.*)$/mi.exec(ok ?? '')?.[1]?.trim()
    const target = /^Contact: <([^>]+)>/mi.exec(ok ?? '')?.[1]
    if (!to || !target)
      throw new Error('The softphone has not answered this INVITE')
    this.transport.deliver([
      `${method} ${target} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: ${invite.from};tag=${invite.fromTag}`,
      `To: ${to}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${cseq} ${method}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'))
  }

  /** The final responses the softphone sent to an INVITE of ours (status codes, in order). */
  inviteResponses(invite: IncomingInvite): number[] {
    return this.responses
      .filter(raw => raw.includes(invite.callId) && /^CSeq: 1 INVITE/mi.test(raw))
      .map(raw => Number(raw.slice(8, 11)))
  }

  /** ACK the softphone's 2xx to our INVITE (completes the answer). */
  sendAck(invite: IncomingInvite): void {
    this.sendAsCaller(invite, 'ACK', 1)
  }

  /**
   * A NOTIFY for a REFER (RFC 3515) in the dialog of `invite`, carrying the transfer's
   * progress as a sipfrag, e.g. `SIP/2.0 200 OK`. A final status terminates the subscription.
   */
  sendReferNotify(invite: SentRequest, sipfrag: string): void {
    const contact = /<([^>]+)>/.exec(invite.header('contact') ?? '')?.[1] ?? ''
    const code = Number(/^SIP\/2\.0 (\d{3})/.exec(sipfrag)?.[1] ?? 0)
    const body = `${sipfrag}\r\n`
    const raw = [
      `NOTIFY ${contact} SIP/2.0`,
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bK${random()}`,
      'Max-Forwards: 70',
      `From: ${invite.header('to') ?? ''};tag=${this.toTag(invite.callId)}`,
      `To: ${invite.header('from') ?? ''}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${this.byeCseq++} NOTIFY`,
      `Contact: <sip:asterisk@${DOMAIN};transport=ws>`,
      'Event: refer',
      `Subscription-State: ${code >= 200 ? 'terminated;reason=noresource' : 'active;expires=60'}`,
      'Content-Type: message/sipfrag;version=2.0',
      `Content-Length: ${new TextEncoder().encode(body).length}`,
      '',
      body,
    ].join('\r\n')
    this.transport.deliver(raw)
  }

  /** The tag the PBX puts in its answers to `callId` (what a REFER's Replaces must name). */
  tagFor(callId: string): string {
    return this.toTag(callId)
  }

  private toTag(callId: string): string {
    let tag = this.toTags.get(callId)
    if (!tag) {
      tag = random()
      this.toTags.set(callId, tag)
    }
    return tag
  }
}

/** An INVITE the fake PBX sent to the softphone (inbound call). */
export interface IncomingInvite {
  callId: string
  branch: string
  fromTag: string
  from: string
  ruri: string
  to: string
}

export class FakeTransport implements Transport {
  readonly protocol = 'WSS'
  onConnect: (() => void) | undefined
  onDisconnect: ((error?: Error) => void) | undefined
  onMessage: ((message: string) => void) | undefined
  private _state = TransportState.Disconnected
  private readonly emitter = new EmitterImpl<TransportState>()

  /** Logs every frame through sip.js's logger, like sip.js's WebSocket transport does. */
  constructor(private readonly pbx: FakePbx, readonly server: string, private readonly logger: Core.Logger) {}

  get state(): TransportState { return this._state }
  get stateChange(): Emitter<TransportState> { return this.emitter }

  isConnected(): boolean {
    return this._state === TransportState.Connected
  }

  async connect(): Promise<void> {
    if (this._state === TransportState.Connected)
      return
    this.transition(TransportState.Connecting)
    await Promise.resolve()
    if (!this.pbx.reachable) {
      this.transition(TransportState.Disconnected)
      throw new Error(`WebSocket closed ${this.server} (code: 1006)`)
    }
    this.transition(TransportState.Connected)
  }

  async disconnect(): Promise<void> {
    if (this._state === TransportState.Disconnected)
      return
    this.transition(TransportState.Disconnecting)
    this.transition(TransportState.Disconnected)
  }

  async dispose(): Promise<void> {
    await this.disconnect()
  }

  async send(message: string): Promise<void> {
    if (!this.isConnected())
      throw new Error('WebSocket not connected')
    this.logger.log(`Sending WebSocket message:\n\n${message}\n`)
    this.pbx.receive(message)
  }

  /** The PBX sends a message: delivered asynchronously, like a WebSocket frame. */
  deliver(raw: string): void {
    queueMicrotask(() => {
      if (!this.isConnected())
        return
      this.logger.log(`Received WebSocket text message:\n\n${raw}\n`)
      this.onMessage?.(raw)
    })
  }

  /** The connection drops (network loss, PBX restart). */
  drop(): void {
    if (this._state !== TransportState.Connected)
      return
    this.transition(TransportState.Disconnected, new Error('WebSocket closed (code: 1006)'))
  }

  private transition(state: TransportState, error?: Error): void {
    const wasConnected = this._state === TransportState.Connected
    this._state = state
    this.emitter.emit(state)
    if (state === TransportState.Connected)
      this.onConnect?.()
    if (wasConnected && state !== TransportState.Connected)
      this.onDisconnect?.(error)
  }
}

// ------------------------------------------------------------------- media

export interface FakeTrack {
  readonly id: string
  readonly kind: string
  enabled: boolean
  readyState: 'live' | 'ended'
  stop: () => void
}

function fakeTrack(id: string): FakeTrack {
  return {
    id,
    kind: 'audio',
    enabled: true,
    readyState: 'live',
    stop() { this.readyState = 'ended' },
  }
}

/**
 * An RTCDTMFSender that records each insertDTMF call. The buffer is "played" only by
 * `play()`, so tests can press keys faster than the tones go out.
 */
export class FakeDtmfSender {
  canInsertDTMF = true
  toneBuffer = ''
  readonly inserts: Array<{ tones: string, duration?: number, gap?: number }> = []
  /** Every tone that went out on the wire, in order. */
  played = ''
  insertDTMF(tones: string, duration?: number, gap?: number): void {
    this.inserts.push({ tones, duration, gap })
    this.toneBuffer = tones
  }

  play(): void {
    this.played += this.toneBuffer
    this.toneBuffer = ''
  }
}

export interface FakeSender { track: FakeTrack | null, dtmf?: FakeDtmfSender | null }

export class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new'
  iceConnectionState: RTCIceConnectionState = 'new'
  /** JSEP's offer/answer state, moved by FakeSdh like a browser's RTCPeerConnection. */
  signalingState: RTCSignalingState = 'stable'
  readonly transceivers: Array<{ direction: RTCRtpTransceiverDirection, currentDirection: RTCRtpTransceiverDirection | null }> = [{ direction: 'sendrecv', currentDirection: null }]
  /** How many offers were rolled back (`{ type: 'rollback' }`). */
  rollbacks = 0
  getTransceivers(): FakePeerConnection['transceivers'] { return this.transceivers }
  async setLocalDescription(description: { type: 'rollback' }): Promise<void> {
    if (description.type !== 'rollback' || this.signalingState !== 'have-local-offer')
      throw new Error(`Failed to execute 'setLocalDescription': Called in wrong state: ${this.signalingState}`)
    this.signalingState = 'stable'
    this.rollbacks++
  }

  async setRemoteDescription(description: { type: 'rollback' }): Promise<void> {
    if (description.type !== 'rollback' || this.signalingState !== 'have-remote-offer')
      throw new Error(`Failed to execute 'setRemoteDescription': Called in wrong state: ${this.signalingState}`)
    this.signalingState = 'stable'
    this.rollbacks++
  }

  readonly senders: FakeSender[] = []
  readonly receivers: Array<{ track: FakeTrack }> = []
  closed = false
  /** What getStats() reports (plain records, as `RTCStatsReport.forEach` yields them). */
  stats: Array<Record<string, unknown>> = []
  getSenders(): FakeSender[] { return this.senders }
  getReceivers(): Array<{ track: FakeTrack }> { return this.receivers }
  async getStats(): Promise<{ forEach: (fn: (value: Record<string, unknown>) => void) => void }> {
    const records = this.stats
    return { forEach: fn => records.forEach(r => fn(r)) }
  }
}

interface FakeSdhHooks {
  onconnectionstatechange?: (event: Event) => void
  oniceconnectionstatechange?: (event: Event) => void
  ontrack?: (event: Event) => void
}

export interface FakeMediaOptions {
  /** Make getDescription (getUserMedia + offer) fail with an error of this name. */
  getUserMediaError?: string
  /** Make setDescription (applying the answer) fail. */
  rejectAnswer?: boolean
  /** false: the audio sender has no RTCDTMFSender (the adapter falls back to INFO). */
  dtmfSupported?: boolean
}

/** A canned-SDP SessionDescriptionHandler that records what the adapter asked of it. */
export class FakeSdh implements SessionDescriptionHandler {
  readonly pc = new FakePeerConnection()
  peerConnectionDelegate: FakeSdhHooks | undefined
  closed = false
  readonly holds: Array<boolean | undefined> = []
  /** `offerOptions.iceRestart` of each offer asked for. */
  readonly iceRestarts: Array<boolean | undefined> = []
  readonly constraints: unknown[] = []
  readonly micTrack = fakeTrack(`mic-${random()}`)
  readonly dtmfSender = new FakeDtmfSender()
  /** Streams swapped in by setLocalMediaStream (a microphone change). */
  readonly swappedStreams: unknown[] = []

  constructor(private readonly media: FakeMediaOptions) {}

  get peerConnection(): FakePeerConnection | undefined {
    return this.closed ? undefined : this.pc
  }

  async getDescription(options?: { constraints?: unknown, hold?: boolean, offerOptions?: { iceRestart?: boolean } }): Promise<BodyAndContentType> {
    if (this.closed)
      throw new Error('closed')
    this.constraints.push(options?.constraints)
    this.holds.push(options?.hold)
    this.iceRestarts.push(options?.offerOptions?.iceRestart)
    if (this.media.getUserMediaError) {
      const error = new Error('Permission denied')
      error.name = this.media.getUserMediaError
      throw error
    }
    // Like the Web SDH: an offer in stable (direction from the hold option), an answer to a remote offer.
    const pc = this.pc
    if (pc.signalingState === 'have-remote-offer') {
      pc.signalingState = 'stable'
      for (const t of pc.transceivers)
        t.currentDirection = t.direction
    }
    else if (pc.signalingState === 'stable') {
      for (const t of pc.transceivers)
        t.direction = options?.hold ? 'sendonly' : 'sendrecv'
      pc.signalingState = 'have-local-offer'
    }
    else {
      throw new Error(`Invalid signaling state ${pc.signalingState}`)
    }
    if (this.pc.senders.length === 0)
      this.pc.senders.push({ track: this.micTrack, dtmf: this.media.dtmfSupported === false ? null : this.dtmfSender })
    return { body: OFFER_SDP, contentType: 'application/sdp' }
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.closed)
      throw new Error('closed')
    if (this.media.rejectAnswer || !sdp.startsWith('v=0'))
      throw new Error('Failed to set remote answer sdp: Called in wrong state')
    // The PBX's answers are ANSWER_SDP; anything else it sends is an offer (an inbound INVITE, a re-INVITE).
    const pc = this.pc
    if (sdp === ANSWER_SDP) {
      if (pc.signalingState === 'have-local-offer') {
        pc.signalingState = 'stable'
        for (const t of pc.transceivers)
          t.currentDirection = t.direction
      }
      // In stable: the same answer again (183 with SDP, then the 200).
    }
    else {
      // An offer is only taken in stable, like a browser.
      if (pc.signalingState !== 'stable')
        throw new Error(`Failed to set remote offer sdp: Called in wrong state: ${pc.signalingState}`)
      pc.signalingState = 'have-remote-offer'
    }
    if (this.pc.receivers.length === 0) {
      this.pc.receivers.push({ track: fakeTrack(`remote-${random()}`) })
      this.peerConnectionDelegate?.ontrack?.(new Event('track'))
    }
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp'
  }

  /** What each insertDTMF asked for (the adapter appends to what is still queued). */
  get dtmf(): string[] {
    return this.dtmfSender.inserts.map(i => i.tones)
  }

  sendDtmf(tones: string): boolean {
    if (this.media.dtmfSupported === false)
      return false
    this.dtmfSender.insertDTMF(tones)
    return true
  }

  /** The Web SDH's microphone swap: the sender gets the new track, the old one is stopped. */
  async setLocalMediaStream(stream: { getAudioTracks: () => FakeTrack[] }): Promise<void> {
    if (this.closed)
      throw new Error('Peer connection undefined.')
    const track = stream.getAudioTracks()[0]
    const sender = this.pc.senders[0]
    if (!track || !sender)
      throw new Error('no track')
    sender.track?.stop()
    sender.track = track
    this.swappedStreams.push(stream)
  }

  close(): void {
    if (this.closed)
      return
    this.closed = true
    this.pc.closed = true
    for (const sender of this.pc.senders)
      sender.track?.stop()
    for (const receiver of this.pc.receivers)
      receiver.track.stop()
  }

  /** ICE moves to `state` (connectionState follows it the way Chromium's does). */
  setIce(state: RTCIceConnectionState): void {
    this.pc.iceConnectionState = state
    this.pc.connectionState = state === 'completed' ? 'connected' : state === 'checking' ? 'connecting' : state as RTCPeerConnectionState
    this.peerConnectionDelegate?.oniceconnectionstatechange?.(new Event('iceconnectionstatechange'))
  }

  /** ICE/DTLS gives up. */
  failConnection(): void {
    this.pc.connectionState = 'failed'
    this.peerConnectionDelegate?.onconnectionstatechange?.(new Event('connectionstatechange'))
  }
}

export function fakeMedia(options: FakeMediaOptions = {}): { factory: SessionDescriptionHandlerFactory, created: FakeSdh[] } {
  const created: FakeSdh[] = []
  const factory: SessionDescriptionHandlerFactory = () => {
    const sdh = new FakeSdh(options)
    created.push(sdh)
    return sdh
  }
  return { factory, created }
}

// ------------------------------------------------------------------ events

/** Records every event of a phone; `next` awaits the next one of a kind. */
export class EventLog {
  readonly all: Array<{ event: SipEventName, payload: unknown }> = []
  private waiters: Array<() => void> = []

  constructor(phone: SipPhone) {
    const names: SipEventName[] = ['registration', 'callStarted', 'callProgress', 'callAnswered', 'callEnded', 'incomingCall', 'consultation', 'callReconnecting', 'callReconnected']
    for (const name of names) {
      phone.on(name, (payload) => {
        this.all.push({ event: name, payload })
        for (const wake of this.waiters.splice(0))
          wake()
      })
    }
  }

  of<K extends SipEventName>(event: K): Array<SipPhoneEvents[K]> {
    return this.all.filter(e => e.event === event).map(e => e.payload as SipPhoneEvents[K])
  }

  names(): string[] {
    return this.all.map(e => e.event)
  }

  /** Resolves with the `count`-th event of that kind (1-based), waiting for it if needed. */
  async wait<K extends SipEventName>(event: K, count = 1): Promise<SipPhoneEvents[K]> {
    for (;;) {
      const found = this.of(event)[count - 1]
      if (found !== undefined)
        return found
      await new Promise<void>(resolve => this.waiters.push(resolve))
    }
  }
}
