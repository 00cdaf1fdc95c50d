/**
 * The floor the softphone is measured against: a page that bundles only sip.js
 * (UserAgent, Registerer, Inviter, Invitation) with its defaults, the same PBX and the same
 * logging level as the softphone. The parent page posts { type: 'DIAL_NUMBER' |
 * 'END_CALL' }; it answers { type: 'CALL_ANSWERED' | 'CALL_ENDED' }. An incoming call shows
 * an Answer button (accept() with sip.js's defaults, so it waits for ICE gathering as sip.js does).
 * Once a call is answered the far end's audio plays through an <audio> element (in the task after
 * CALL_ANSWERED, as the softphone does), so a connected call costs what a real one does.
 */
import type { Invitation, Session } from 'sip.js'
import { Inviter, Registerer, SessionState, UserAgent } from 'sip.js'

const SERVER = 'ws://127.0.0.1:8088/ws'
const DOMAIN = '127.0.0.1'
const params = new URLSearchParams(location.search)
const iceServers = (params.get('iceServers') ?? '').split(',').filter(url => url !== '').map(urls => ({ urls }))

const form = document.querySelector<HTMLFormElement>('#sign-in')!
const status = document.querySelector<HTMLElement>('#status')!
const answer = document.querySelector<HTMLButtonElement>('#answer')!
let ua: UserAgent | undefined
let session: Session | undefined
let ringing: Invitation | undefined

/** The far end's audio plays, as in any softphone (so a connected call costs what a real one does). */
const remoteAudio = document.querySelector<HTMLAudioElement>('#remote-audio')!

function playRemoteAudio(call: Session): void {
  const pc = (call.sessionDescriptionHandler as { peerConnection?: RTCPeerConnection } | undefined)?.peerConnection
  const tracks = pc?.getReceivers().map(receiver => receiver.track).filter(track => track.kind === 'audio') ?? []
  remoteAudio.srcObject = new MediaStream(tracks)
  void remoteAudio.play().catch(() => {})
}

function report(call: Session): void {
  session = call
  call.stateChange.addListener((state) => {
    if (state === SessionState.Established) {
      parent.postMessage({ type: 'CALL_ANSWERED' }, '*')
      ;(window as { __benchProbe?: (type: string) => void }).__benchProbe?.('CALL_ANSWERED')
      setTimeout(() => playRemoteAudio(call), 0)
    }
    if (state === SessionState.Terminated) {
      answer.hidden = true
      setTimeout(() => {
        remoteAudio.srcObject = null
      }, 0)
      parent.postMessage({ type: 'CALL_ENDED' }, '*')
    }
  })
}

answer.addEventListener('click', () => {
  const invitation = ringing
  ringing = undefined
  answer.hidden = true
  void invitation?.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
})

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const data = new FormData(form)
  const user = String(data.get('extension'))
  ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${DOMAIN}`),
    authorizationUsername: user,
    authorizationPassword: String(data.get('password')),
    transportOptions: { server: SERVER },
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers } },
    logLevel: 'error',
    delegate: {
      onInvite: (invitation) => {
        ringing = invitation
        report(invitation)
        answer.hidden = false
      },
    },
  })
  const agent = ua
  void agent.start().then(() => new Registerer(agent).register()).then(() => {
    status.textContent = 'Registered'
  })
})

function dial(phoneNumber: string): void {
  const target = UserAgent.makeURI(`sip:${phoneNumber}@${DOMAIN}`)
  if (!ua || !target)
    return
  const inviter = new Inviter(ua, target, { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
  report(inviter)
  void inviter.invite()
}

window.addEventListener('message', (event: MessageEvent<{ type?: string, data?: { phoneNumber?: string } }>) => {
  if (event.source !== parent)
    return
  if (event.data.type === 'DIAL_NUMBER' && typeof event.data.data?.phoneNumber === 'string')
    dial(event.data.data.phoneNumber)
  if (event.data.type === 'END_CALL' && session?.state === SessionState.Established)
    void session.bye()
})
