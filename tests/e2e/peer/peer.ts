/**
 * A bare sip.js phone for end-to-end tests: a second (and third) extension that the
 * softphone calls, holds and transfers to. Served by the e2e Vite server at
 * `/tests/e2e/peer/`; driven through `window.__peer` (see `PeerControls`).
 * It answers every incoming call after `answerDelayMs` and keeps a record of each
 * call (who called, when it was answered, when it ended) so tests can assert what
 * the far end experienced.
 */
import { Invitation, Inviter, Registerer, SessionState, UserAgent } from 'sip.js'
import type { Session } from 'sip.js'

export interface PeerCall {
  /** 'in' = the PBX called us. */
  direction: 'in' | 'out'
  /** The From user of an incoming call (e.g. `1003`, or `1004` after a transfer). */
  remoteUser: string
  remoteDisplay: string
  callId: string
  state: 'ringing' | 'answered' | 'ended'
  /** Re-INVITEs with a=sendonly / a=inactive from the PBX (we were put on hold). */
  heldByRemote: boolean
}

export interface PeerAudio {
  inboundPackets: number
  inboundEnergy: number
  outboundPackets: number
}

export interface PeerControls {
  register: (options: { server: string, domain: string, user: string, password: string }) => Promise<void>
  unregister: () => Promise<void>
  /** Answer incoming calls automatically (default true) after this delay. */
  setAutoAnswer: (auto: boolean, delayMs?: number) => void
  answer: () => Promise<void>
  call: (target: string) => Promise<void>
  hangup: () => Promise<void>
  calls: () => PeerCall[]
  /** Audio stats of the live call's peer connection (zeros without one). */
  audio: () => Promise<PeerAudio>
}

declare global {
  interface Window {
    __peer: PeerControls
  }
}

let ua: UserAgent | undefined
let registerer: Registerer | undefined
let domain = ''
let autoAnswer = true
let answerDelayMs = 300
const calls: PeerCall[] = []
const sessions = new Map<PeerCall, Session>()
const stateLine = document.getElementById('state')!
const remoteAudio = document.getElementById('remote') as HTMLAudioElement

function show(text: string): void {
  stateLine.textContent = text
}

interface WebSdh { peerConnection?: RTCPeerConnection }

function peerConnectionOf(session: Session | undefined): RTCPeerConnection | undefined {
  return (session?.sessionDescriptionHandler as WebSdh | undefined)?.peerConnection
}

function liveSession(): { call: PeerCall, session: Session } | undefined {
  for (const call of [...calls].reverse()) {
    const session = sessions.get(call)
    if (session && call.state !== 'ended')
      return { call, session }
  }
  return undefined
}

function playRemote(session: Session): void {
  const pc = peerConnectionOf(session)
  if (!pc)
    return
  const tracks = pc.getReceivers().map(r => r.track).filter(t => t.kind === 'audio')
  remoteAudio.srcObject = new MediaStream(tracks)
  void remoteAudio.play().catch(() => {})
}

function track(call: PeerCall, session: Session): void {
  sessions.set(call, session)
  session.stateChange.addListener((state) => {
    if (state === SessionState.Established) {
      call.state = 'answered'
      playRemote(session)
    }
    if (state === SessionState.Terminated)
      call.state = 'ended'
    show(`${call.direction} ${call.remoteUser}: ${call.state}`)
  })
  session.delegate = {
    onInvite: (request) => {
      // A re-INVITE from the PBX: note whether it holds us (sip.js answers it itself).
      call.heldByRemote = /a=(sendonly|inactive)/.test(request.body ?? '')
    },
  }
}

function onInvite(invitation: Invitation): void {
  const from = invitation.remoteIdentity
  const call: PeerCall = {
    direction: 'in',
    remoteUser: from.uri.user ?? '',
    remoteDisplay: from.displayName,
    callId: invitation.request.callId,
    state: 'ringing',
    heldByRemote: false,
  }
  calls.push(call)
  track(call, invitation)
  show(`ringing from ${call.remoteUser}`)
  if (autoAnswer) {
    setTimeout(() => {
      if (invitation.state === SessionState.Initial)
        void invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
    }, answerDelayMs)
  }
}

window.__peer = {
  async register(options) {
    domain = options.domain
    const uri = UserAgent.makeURI(`sip:${options.user}@${options.domain}`)
    if (!uri)
      throw new Error('bad user')
    ua = new UserAgent({
      uri,
      authorizationUsername: options.user,
      authorizationPassword: options.password,
      transportOptions: { server: options.server },
      logLevel: 'error',
      delegate: { onInvite },
    })
    await ua.start()
    registerer = new Registerer(ua)
    await new Promise<void>((resolve, reject) => {
      registerer!.stateChange.addListener((state) => {
        if (state === 'Registered')
          resolve()
      })
      registerer!.register({ requestDelegate: { onReject: r => reject(new Error(`REGISTER ${r.message.statusCode}`)) } }).catch(reject)
    })
    show(`registered as ${options.user}`)
  },
  async unregister() {
    await registerer?.unregister().catch(() => {})
    await ua?.stop()
  },
  setAutoAnswer(auto, delayMs = 300) {
    autoAnswer = auto
    answerDelayMs = delayMs
  },
  async answer() {
    const live = liveSession()
    if (live && live.session instanceof Invitation && live.session.state === SessionState.Initial)
      await live.session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
  },
  async call(target) {
    if (!ua)
      throw new Error('not registered')
    const uri = UserAgent.makeURI(`sip:${target}@${domain}`)
    if (!uri)
      throw new Error('bad target')
    const inviter = new Inviter(ua, uri, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
    const call: PeerCall = { direction: 'out', remoteUser: target, remoteDisplay: '', callId: inviter.request.callId, state: 'ringing', heldByRemote: false }
    calls.push(call)
    track(call, inviter)
    await inviter.invite()
  },
  async hangup() {
    const live = liveSession()
    if (!live)
      return
    const { session } = live
    if (session.state === SessionState.Established)
      await session.bye()
    else if (session instanceof Inviter)
      await session.cancel()
    else if (session instanceof Invitation)
      await session.reject()
  },
  calls: () => calls.map(c => ({ ...c })),
  async audio() {
    const pc = peerConnectionOf(liveSession()?.session)
    const result: PeerAudio = { inboundPackets: 0, inboundEnergy: 0, outboundPackets: 0 }
    if (!pc || pc.connectionState === 'closed')
      return result
    const stats = await pc.getStats()
    stats.forEach((s: { type: string, kind?: string, packetsReceived?: number, totalAudioEnergy?: number, packetsSent?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        result.inboundPackets += s.packetsReceived ?? 0
        result.inboundEnergy += s.totalAudioEnergy ?? 0
      }
      if (s.type === 'outbound-rtp' && s.kind === 'audio')
        result.outboundPackets += s.packetsSent ?? 0
    })
    return result
  },
}
