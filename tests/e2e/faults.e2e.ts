/**
 * The PBX goes away and comes back, for real: these tests stop and start the SECOND
 * Asterisk instance (`PBX_INSTANCE=faults`, ws://127.0.0.1:8090/ws, see pbx/README.md), never
 * the shared one. The softphone is pointed at it through the simulator's query, which the
 * simulator passes on to the widget.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import { dialedNumbersSince, logBarrier, logMarker, PBX_WS_URLS, pbxCli, pbxCrash, pbxDown, pbxStatus, pbxUp, TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, signIn } from './browser'

const AGENT = '1007'
const NOTES = 'PBX died mid-call\nCustomer wants a call back <tomorrow> & a quote'

let browser: Browser
let sim: Simulator
let faultsWasRunning = false

beforeAll(async () => {
  faultsWasRunning = (await pbxStatus('faults')).running
  await pbxUp('faults')
  browser = await launchBrowser()
  sim = await openSimulator(browser, { pbxUrl: PBX_WS_URLS.faults, sipDomain: '127.0.0.1' })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT)
  await sim.waitForMessage('LOGGED_IN')
})

afterAll(async () => {
  await browser?.close()
  if (faultsWasRunning)
    await pbxUp('faults')
  else
    await pbxDown('faults')
})

const registeredAtPbx = async (): Promise<boolean> => (await pbxCli('pjsip show contacts', 'faults')).includes(`${AGENT}/sip:`)
const banner = () => sim.widget.locator('.connection-banner')

describe('the PBX goes away while the agent is idle', () => {
  it('shows what is happening and is registered again within 10 s of the PBX coming back, without the agent doing anything', async () => {
    expect(await registeredAtPbx()).toBe(true)
    await pbxDown('faults')
    await banner().filter({ hasText: 'Connection to the phone system lost' }).waitFor({ timeout: 10_000 })
    // The agent stays on the dialer (not thrown back to sign-in) while it reconnects.
    expect(await sim.widget.getByRole('button', { name: 'Sign in' }).count()).toBe(0)
    // A few failed attempts while it is down: the backoff grows.
    await banner().filter({ hasText: /attempt [2-9]/ }).waitFor({ timeout: 15_000 })

    const back = Date.now()
    await pbxUp('faults')
    await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor({ timeout: 10_000 })
    const seconds = (Date.now() - back) / 1000
    console.log(`[faults] registered again ${seconds.toFixed(1)} s after the PBX started (start ≈ 0.5 s)`)
    expect(seconds).toBeLessThanOrEqual(10)
    expect(await banner().count()).toBe(0)
    await expect.poll(registeredAtPbx, { timeout: 5_000 }).toBe(true)
    // HubSpot was never told the agent logged out.
    expect((await sim.received()).map(e => e.type)).not.toContain('LOGGED_OUT')
  })
})

describe('the PBX goes away mid-call', () => {
  it('ends the call FAILED, the wrap-up still works and the notes reach HubSpot; media is released', async () => {
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    const endedBefore = (await sim.received()).filter(e => e.type === 'CALL_ENDED').length
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.widget.getByText('Connected').waitFor()

    // A crash, not a clean shutdown (which would send a BYE): the WebSocket just dies.
    await pbxCrash('faults')
    const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
    expect(ended.data).toMatchObject({ callEndStatus: 'FAILED' })
    await sim.widget.getByRole('heading', { name: 'Call ended' }).waitFor()
    await sim.widget.getByTestId('end-reason').filter({ hasText: /connection/i }).waitFor()

    // Media released at once, even though no BYE could be exchanged.
    await expect.poll(async () => (await mediaReport(sim.widgetFrame())).liveTracks, { timeout: 5_000 }).toBe(0)
    const pcs = (await mediaReport(sim.widgetFrame())).peerConnections
    expect(pcs.every(pc => pc.connectionState === 'closed')).toBe(true)

    // The agent writes the notes while the PBX is still down, and reloads mid-wrap-up.
    await sim.widget.getByLabel('Notes').fill(NOTES)
    await sim.page.evaluate(() => window.__host.reloadWidget())
    await expect.poll(() => sim.widget.getByLabel('Notes').inputValue(), { timeout: 30_000 }).toBe(NOTES)
    await sim.page.waitForFunction(() => window.__host.isReady(), undefined, { timeout: 30_000 })

    const completedBefore = (await sim.received()).filter(e => e.type === 'CALL_COMPLETED').length
    await sim.widget.getByRole('button', { name: 'Save call' }).click()
    const completed = await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
    const body = (completed.data as { engagementProperties: { hs_call_body: string, hs_call_status: string } }).engagementProperties
    expect(body.hs_call_body).toBe('PBX died mid-call<br>Customer wants a call back &lt;tomorrow&gt; &amp; a quote')
    expect(body.hs_call_status).toBe('FAILED')
    await pbxUp('faults')
  })
})

describe('the microphone is denied', () => {
  it('explains how to allow it in the HubSpot tab, tells HubSpot (sendError), and sends no INVITE', async () => {
    // A browser that refuses every permission prompt (no --use-fake-ui-for-media-stream).
    const args = ['--use-fake-device-for-media-stream', '--deny-permission-prompts', '--autoplay-policy=no-user-gesture-required',
      '--disable-gpu', '--no-first-run', '--disable-features=TrackingProtection3pcd']
    if (process.getuid?.() === 0) args.push('--no-sandbox')
    const denying = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args })
    try {
      const other = await openSimulator(denying, { pbxUrl: PBX_WS_URLS.faults, sipDomain: '127.0.0.1' })
      await signIn(other, AGENT)
      await other.waitForMessage('LOGGED_IN')
      const mark = await logMarker(150, 'faults')
      await other.dial(TEST_NUMBERS.echo.e164)
      const error = await other.waitForMessage('ERROR')
      const message = (error.data as { message: string }).message
      expect(message).toContain('Microphone access was denied')
      expect(message).toContain('set Microphone to Allow')
      await other.widget.getByRole('alert').filter({ hasText: 'Microphone access was denied' }).waitFor()
      expect((await other.received()).map(e => e.type)).not.toContain('OUTGOING_CALL_STARTED')
      await logBarrier(mark, 'faults')
      expect(await dialedNumbersSince(mark, AGENT)).toEqual([])
      await other.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    }
    finally {
      await denying.close()
    }
  })
})
