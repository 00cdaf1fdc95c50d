/**
 * Hostile input at the real PBX: HubSpot (the simulator) sends injection attempts as
 * DIAL_NUMBER; the PBX's own log proves that no INVITE ever carried anything but `+` and
 * digits in its user part, and that refused input reached no INVITE at all. Then the
 * origin rules: a forged message from another window at HubSpot's own origin is ignored,
 * and a parent that is not HubSpot gets a notice instead of a softphone.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { dialedNumbersSince, invitesSince, logBarrier, logMarker, TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { saveCall, signedInForTests } from './browser'

const AGENT = '1008'
let sim: Simulator
const signedIn = signedInForTests(AGENT)
beforeAll(() => {
  sim = signedIn()
})

const INJECTIONS: string[] = [
  '100@evil.example',
  '<sip:x@y>',
  `sip:${TEST_NUMBERS.busy.e164}@evil.example`,
  `${TEST_NUMBERS.busy.e164};transport=tcp`,
  `${TEST_NUMBERS.busy.e164}?Subject=hello`,
  `${TEST_NUMBERS.busy.e164}\r\nVia: SIP/2.0/WS evil.example`,
  `${TEST_NUMBERS.busy.e164}%0d%0aX-Evil: 1`,
  '1-800-FLOWERS',
  '📞 020 7946 0602',
  '٠٢٠ ٧٩٤٦ ٠٦٠٢',
  'x'.repeat(10_000),
  '',
]

/** Accepted after normalising: each must arrive at Asterisk as exactly the E.164 number. */
const NORMALISED: string[] = [
  '＋４４ ２０ ７９４６ ０６０２',
  '\u200e020\u200b 7946 0602',
  `tel:${TEST_NUMBERS.busy.e164}`,
]

describe('SIP URI injection, at Asterisk', () => {
  it.each(INJECTIONS.map(s => [JSON.stringify(s).slice(0, 60), s]))('refuses %s: a sendError, a notice, and no INVITE at the PBX', async (_label, phoneNumber) => {
    const mark = await logMarker()
    const errorsBefore = (await sim.received()).filter(e => e.type === 'ERROR').length
    expect(await sim.page.evaluate(n => window.__host.send('DIAL_NUMBER', { phoneNumber: n, countryCode: 'GB' }), phoneNumber)).toBe(true)
    const error = await sim.waitForMessage('ERROR', errorsBefore + 1)
    expect((error.data as { message: string }).message).toMatch(/phone number|control characters/i)
    await sim.widget.getByRole('alert').first().waitFor()
    expect(await dialedNumbersSince(await settle(mark), AGENT)).toEqual([])
    expect((await sim.received()).map(e => e.type)).not.toContain('OUTGOING_CALL_STARTED')
  })

  it.each(NORMALISED.map(s => [JSON.stringify(s), s]))('dials %s as + and digits only', async (_label, phoneNumber) => {
    const mark = await logMarker()
    const endedBefore = (await sim.received()).filter(e => e.type === 'CALL_ENDED').length
    expect(await sim.page.evaluate(n => window.__host.send('DIAL_NUMBER', { phoneNumber: n, countryCode: 'GB' }), phoneNumber)).toBe(true)
    const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
    expect(ended.data).toMatchObject({ callEndStatus: 'BUSY' })
    expect(await dialedNumbersSince(mark, AGENT)).toEqual([TEST_NUMBERS.busy.e164])
    await saveCall(sim)
  })

  it('every INVITE Asterisk received from this agent had only + and digits in its user part', async () => {
    const invites = (await invitesSince({ path: (await logMarker(0)).path, offset: 0 })).filter(i => i.from.includes(`sip:${AGENT}@`))
    expect(invites.length).toBeGreaterThanOrEqual(NORMALISED.length * 2)
    for (const invite of invites) expect(invite.user).toMatch(/^\+?[0-9]+$/)
  })
})

/** Reads the log only once a barrier of our own has reached Asterisk, so an INVITE sent before it is in the log. */
async function settle(mark: Awaited<ReturnType<typeof logMarker>>) {
  await logBarrier(mark)
  return mark
}

describe('origins', () => {
  it('ignores a dial request from another window at HubSpot\'s own origin (the SDK alone would accept it)', async () => {
    const mark = await logMarker()
    const before = (await sim.received()).length
    // A same-origin sibling frame of the widget: same origin as the host, but not the widget's parent.
    await sim.page.evaluate((number) => {
      const sibling = document.createElement('iframe')
      sibling.src = 'about:blank'
      document.body.appendChild(sibling)
      const widget = (document.querySelector('iframe#hubspot-calling-extension-iframe') as HTMLIFrameElement).contentWindow!
      const forged = sibling.contentWindow as unknown as { postMessage: (m: unknown, o: string) => void, eval: (code: string) => void }
      ;(forged as unknown as { w: Window }).w = widget
      forged.eval(`w.postMessage({ type: 'DIAL_NUMBER', data: { phoneNumber: '${number}' }, messageId: 'forged_1' }, '*')`)
    }, TEST_NUMBERS.busy.e164)
    // The forged message was posted before this round trip to the page returned.
    expect(await dialedNumbersSince(await settle(mark), AGENT)).toEqual([])
    expect((await sim.received()).slice(before).map(e => e.type).filter(t => t !== 'RESIZE_WIDGET')).toEqual([])
    // HubSpot itself still can.
    const endedBefore = (await sim.received()).filter(e => e.type === 'CALL_ENDED').length
    await sim.dial(TEST_NUMBERS.busy.e164)
    await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
    await saveCall(sim)
  })

  it('refuses to run under a parent that is not HubSpot, with a readable notice, and never answers its SYNC', async () => {
    const widgetUrl = new URL('/', inject('baseUrl'))
    widgetUrl.hostname = 'localhost'
    // 127.0.0.2 is loopback too, but not one of the dev origins the widget allows.
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(`<!doctype html><iframe id="w" src="${widgetUrl.href}" allow="microphone; autoplay"></iframe>
<script>
  window.replies = []
  addEventListener('message', e => window.replies.push(e.data && e.data.type))
  window.sent = 0
  setInterval(() => { window.sent++; document.getElementById('w').contentWindow.postMessage({ type: 'SYNC', hostUrl: location.origin, messageId: 'evil_sync' }, '*') }, 100)
</script>`)
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.2', resolve))
    const { port } = server.address() as AddressInfo
    const browser = sim.page.context().browser()
    if (!browser)
      throw new Error('the simulator runs in a persistent context: no browser to open another one in')
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`http://127.0.0.2:${port}/`)
      const frame = page.frameLocator('#w')
      await frame.getByText(`allowedOrigins: This softphone runs only inside HubSpot. It was opened by http://127.0.0.2:${port}, which is not an allowed HubSpot origin (ask your administrator to add it to allowedOrigins in config.json if it should be).`, { exact: true }).waitFor({ timeout: 15_000 })
      expect(await frame.getByLabel('Password', { exact: true }).count()).toBe(0)
      // Ten more SYNCs after the notice, none answered.
      const sentAtNotice = await page.evaluate(() => (window as unknown as { sent: number }).sent)
      await page.waitForFunction(n => (window as unknown as { sent: number }).sent >= n + 10, sentAtNotice)
      expect(await page.evaluate(() => (window as unknown as { replies: unknown[] }).replies)).toEqual([])
    }
    finally {
      await context.close()
      await new Promise(resolve => server.close(resolve))
    }
  })
})
