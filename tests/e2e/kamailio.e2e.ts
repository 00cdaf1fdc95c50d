/**
 * Where SIP is raw: the softphone against Kamailio (WebSocket edge, registrar) + rtpengine
 * (WebRTC ↔ plain RTP) with SIPp far ends scripted in pbx/sipp/. Each scenario is asserted
 * from SIPp's own verdict (its exit code: every expected message arrived, in order) and the
 * SDK messages the HubSpot host simulator received; where there is media, from getStats.
 * pbx/README.md has the table of what each scenario showed.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SippRun } from '../../pbx/kamailioControl'
import { KAMAILIO_WS_URL, kamailioDown, kamailioRunning, kamailioUp, sippCallee } from '../../pbx/kamailioControl'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, saveCall, signIn } from './browser'

const AGENT = '1001'
const FAR_END = '+442079460999'

let browser: Browser
let sim: Simulator
let stackWasRunning = true

beforeAll(async () => {
  stackWasRunning = await kamailioRunning()
  await kamailioUp()
  browser = await launchBrowser()
  sim = await openSimulator(browser, { pbxUrl: KAMAILIO_WS_URL, sipDomain: '127.0.0.1' })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT)
  await sim.waitForMessage('LOGGED_IN')
})

afterAll(async () => {
  await browser?.close()
  if (!stackWasRunning)
    await kamailioDown()
})

async function count(type: string): Promise<number> {
  return (await sim.received()).filter(e => e.type === type).length
}

/** The widget→host messages after `from`, without the resize chatter. */
async function messagesAfter(from: number): Promise<HostLogEntry[]> {
  return (await sim.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function expectSippPassed(run: SippRun): Promise<void> {
  const r = await run.result
  expect(r.passed, `SIPp failed (exit ${r.code}):\n${r.detail}`).toBe(true)
}

/** Audio both ways through rtpengine: SIPp echoes the agent's RTP, so energy comes back. */
async function expectAudio(): Promise<void> {
  const frame = sim.widgetFrame()
  await expect.poll(async () => (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')?.inboundEnergy ?? 0, { timeout: 15_000 }).toBeGreaterThan(0)
  const live = (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')!
  expect(live.outboundPackets).toBeGreaterThan(0)
}

describe('outbound through Kamailio to a SIPp callee', () => {
  it('180 then 200: Ringing, Connected, audio both ways through rtpengine, our BYE → COMPLETED', async () => {
    const sipp = await sippCallee('callee-180-200')
    const from = (await sim.received()).length
    const ended = await count('CALL_ENDED')
    await sim.dial(FAR_END)
    await sim.waitForMessage('CALL_ANSWERED', await count('CALL_ANSWERED') + 1)
    await sim.widget.getByText('Connected').waitFor()
    await expectAudio()
    await sim.widget.getByRole('button', { name: 'Hang up' }).click()
    const end = await sim.waitForMessage('CALL_ENDED', ended + 1)
    expect(end.data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await expectSippPassed(sipp)
    expect((await messagesAfter(from)).map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'])
    await saveCall(sim)
  })
})
