/**
 * Fixture for the host simulator: the smallest widget that speaks the whole
 * contract through the real `createHubSpotPort` (no SIP), cross-origin:
 *   http://127.0.0.1:5173/dev/host/?widget=/dev/host/fake-widget.html
 * (the path is loaded from http://localhost:5173, the other loopback name).
 * Every dial is "answered" 300 ms later, except numbers ending in 0602 (BUSY);
 * a dial request the port rejects is reported with sendError.
 */
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'

const port = createHubSpotPort({ debug: new URLSearchParams(window.location.search).get('debug') === '1' })
const stateLine = document.querySelector('#state')
const show = (text: string): void => {
  if (stateLine) stateLine.textContent = text
}

let call: { id: string, to: string, startedAt: number, answered: boolean } | null = null
let engagementId: number | undefined
let seq = 0

function finish(status: 'COMPLETED' | 'CANCELED' | 'BUSY'): void {
  if (!call) return
  const { id, to, startedAt, answered } = call
  call = null
  port.callEnded({ externalCallId: id, engagementId, callEndStatus: status })
  port.callCompleted({
    externalCallId: id,
    engagementId,
    hideWidget: false,
    engagementProperties: {
      hs_timestamp: startedAt,
      hs_call_body: `Fake call (${status})`,
      hs_call_duration: String(answered ? Date.now() - startedAt : 0),
      hs_call_status: status,
      hs_call_to_number: to,
      hs_call_from_number: '1001',
      hs_call_direction: 'OUTBOUND',
    },
  })
  show(`call ${id} ${status}`)
}

port.on('ready', (info) => {
  port.initialized({ isLoggedIn: true })
  show(`ready ${JSON.stringify(info)}`)
})
port.on('dialNumber', (dial) => {
  if ('invalid' in dial) {
    port.sendError({ message: dial.invalid })
    return
  }
  if (call) {
    port.sendError({ message: 'A call is already in progress.' })
    return
  }
  const { phoneNumber } = dial.request
  if (!/^\+?[\d\s]+$/.test(phoneNumber)) {
    port.sendError({ message: `"${phoneNumber}" is not a phone number.` })
    return
  }
  engagementId = undefined
  call = { id: `fake-${Date.now()}-${++seq}`, to: phoneNumber, startedAt: Date.now(), answered: false }
  port.outgoingCall({ externalCallId: call.id, toNumber: phoneNumber, fromNumber: '1001', callStartTime: call.startedAt, createEngagement: true })
  show(`calling ${phoneNumber}`)
  const current = call
  window.setTimeout(() => {
    if (call !== current) return
    if (phoneNumber.replace(/\s/g, '').endsWith('0602')) {
      finish('BUSY')
      return
    }
    current.answered = true
    port.callAnswered({ externalCallId: current.id })
    show(`in call with ${phoneNumber}`)
  }, 300)
})
port.on('engagementCreated', ({ engagementId: id }) => {
  engagementId = id
})
port.on('engagementCreateFailed', ({ message }) => show(`engagement not created: ${message}`))
port.on('engagementUpdated', ({ engagementId: id }) => show(`engagement ${String(id)} updated`))
port.on('engagementUpdateFailed', ({ message }) => show(`engagement not updated: ${message}`))
port.on('endCall', () => finish(call?.answered ? 'COMPLETED' : 'CANCELED'))
port.on('visibilityChanged', v => show(`visibility ${JSON.stringify(v)}`))

document.querySelector('#hangup')?.addEventListener('click', () => finish(call?.answered ? 'COMPLETED' : 'CANCELED'))
document.querySelector('#resize')?.addEventListener('click', () => port.resizeWidget({ width: 320, height: 480 }))
window.addEventListener('pagehide', () => port.dispose())
