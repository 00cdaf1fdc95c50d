/**
 * Inbound calls that end before they connect, through the real Asterisk (pbx/asterisk/extensions.conf):
 * - 720, a ring group (agent 1002 + the bare sip.js phone 1004): 1004 answers, Asterisk CANCELs
 *   the agent with `Reason: SIP;cause=200` (RFC 3326);
 * - 721, `Dial(PJSIP/1002,3)`: the agent answers, but its 200 OK is still on the wire (held in the
 *   widget's WebSocket, as a slow network would) when Asterisk's 3 s timeout CANCELs; the 200
 *   then reaches Asterisk after its CANCEL (RFC 3261 §9.2: too late to cancel).
 * The caller is the host simulator's own phone (1006).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { agentAnswersSince, logMarker, logSince, PBX_SIP_DOMAIN, PBX_WS_URL, pbxPassword, waitForLog } from '../../pbx/control'
import type { HostLogEntry, Simulator } from './browser'
import { backOnDialer, launchBrowser, openSimulator, saveCall, signIn } from './browser'

const AGENT = '1002'
const PEER = '1004'

let browser: Browser
let sim: Simulator
let peer: Page

beforeAll(async () => {
  browser = await launchBrowser()
  const context = await browser.newContext()
  peer = await context.newPage()
  peer.on('pageerror', error => console.error('[peer]', error))
  await peer.goto(new URL('/tests/e2e/peer/index.html', inject('baseUrl')).toString())
  await peer.waitForFunction(() => typeof window.__peer !== 'undefined')
  await peer.evaluate(o => window.__peer.register(o), { server: PBX_WS_URL, domain: PBX_SIP_DOMAIN, user: PEER, password: pbxPassword(PEER) })
  sim = await openSimulator(browser, { iframeLocation: 'remote' })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT)
  await sim.waitForMessage('LOGGED_IN')
  await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
})

afterAll(async () => {
  await browser?.close()
})

async function messagesAfter(from: number): Promise<HostLogEntry[]> {
  return (await sim.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function callerEnded(): Promise<void> {
  await sim.page.waitForFunction(() => window.__host.callerState().state === 'ended', undefined, { timeout: 15_000 })
}

describe('inbound calls that another party wins', () => {
  it('ring group answered by another phone: CANCEL with Reason SIP;cause=200 → no missed call, CANCELED, no wrap-up', async () => {
    const from = (await sim.received()).length
    const mark = await logMarker()
    await peer.evaluate(() => window.__peer.setAutoAnswer(true, 1500))
    await sim.page.evaluate(() => window.__host.callAgent('1006', '720'))

    await sim.waitForMessage('INCOMING_CALL')
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).waitFor()

    const ended = await sim.waitForMessage('CALL_ENDED')
    expect(ended.data).toMatchObject({ callEndStatus: 'CANCELED' })
    const completed = await sim.waitForMessage('CALL_COMPLETED')
    expect(completed.data).toMatchObject({ engagementProperties: { hs_call_status: 'CANCELED', hs_call_direction: 'INBOUND', hs_call_from_number: '1006' } })
    await sim.widget.getByText('The call from 1006 was answered on another phone.', { exact: true }).waitFor()
    await backOnDialer(sim)
    expect(await sim.widget.getByText('Missed call', { exact: false }).count()).toBe(0)

    // At the PBX: the agent's leg was CANCELled with RFC 3326's reason and answered 487.
    expect(await logSince(mark)).toMatch(/^CANCEL sip:[^\n]*\n(?:[^\n]+\n)*?Reason: SIP;cause=200;text="Call completed elsewhere"/m)
    expect(await agentAnswersSince(mark, AGENT)).toEqual([487])
    expect((await messagesAfter(from)).map(e => e.type)).toEqual(['INCOMING_CALL', 'CALL_ENDED', 'CALL_COMPLETED'])

    // The caller talks to the phone that answered; Dial returns (and logs who answered) when they hang up.
    expect((await peer.evaluate(() => window.__peer.calls())).at(-1)).toMatchObject({ remoteUser: '1006', state: 'answered' })
    await sim.page.evaluate(() => window.__host.callerHangup())
    await callerEnded()
    const answeredBy = await waitForLog(mark, /RING-GROUP-720: ANSWER (\S+)/, 15_000)
    expect(answeredBy[1]).toMatch(new RegExp(`^PJSIP/${PEER}-`))
    await expect.poll(async () => (await peer.evaluate(() => window.__peer.calls())).at(-1)?.state).toBe('ended')
  })

  it('the answer loses to the PBX\'s CANCEL (Dial timeout while our 200 OK is on the wire): never CALL_ANSWERED, MISSED', async () => {
    const from = (await sim.received()).length
    const mark = await logMarker()
    // A slow network: the agent's 200 OK to the INVITE leaves the widget 4 s late.
    await sim.widgetFrame().evaluate(() => {
      const original = WebSocket.prototype.send
      ;(window as unknown as { __restoreSend: () => void }).__restoreSend = () => {
        WebSocket.prototype.send = original
      }
      WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
        if (typeof data === 'string' && data.startsWith('SIP/2.0 200') && /\r\nCSeq: \d+ INVITE\r\n/i.test(data)) {
          setTimeout(() => original.call(this, data), 4000)
          return
        }
        original.call(this, data)
      }
    })
    await sim.page.evaluate(() => window.__host.callAgent('1006', '721'))
    await sim.waitForMessage('INCOMING_CALL', 2)
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()

    await waitForLog(mark, /DIAL-721: NOANSWER/, 15_000)
    const ended = await sim.waitForMessage('CALL_ENDED', 2)
    expect(ended.data).toMatchObject({ callEndStatus: 'MISSED' })
    await sim.widget.getByText('Missed call: the caller hung up before it was answered.', { exact: true }).waitFor()
    // Asterisk got our late 200 after its CANCEL: it ACKed it, and the half-made dialog was hung up.
    const log = await logSince(mark)
    expect(log).toMatch(/^CANCEL sip:/m)
    expect(log).toMatch(/^BYE sip:/m)
    await sim.widgetFrame().evaluate(() => (window as unknown as { __restoreSend: () => void }).__restoreSend())
    await saveCall(sim)
    expect((await messagesAfter(from)).map(e => e.type)).toEqual(['INCOMING_CALL', 'CALL_ENDED', 'CALL_COMPLETED'])
    await callerEnded()
  })
})
