/**
 * The PBX goes away and comes back, for real: these tests stop and start the SECOND
 * Asterisk instance (`PBX_INSTANCE=faults`, ws://127.0.0.1:8090/ws, see pbx/README.md), never
 * the shared one. The softphone is pointed at it through the simulator's query, which the
 * simulator passes on to the widget.
 */
import { execFileSync } from 'node:child_process'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium } from 'playwright-core'
import type { LogMarker } from '../../pbx/control'
import { dialedNumbersSince, invitesSince, logBarrier, logMarker, logSince, PBX_WS_URLS, pbxCli, pbxCrash, pbxDown, pbxLogPath, pbxStatus, pbxUp, registersSince, TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, signIn } from './browser'
import { chromiumLaunchOptions } from './chromium.mjs'

const AGENT = '1007'
const NOTES = 'PBX died mid-call\nCustomer wants a call back <tomorrow> & a quote'

let browser: Browser
let sim: Simulator
let faultsWasRunning = false

beforeAll(async () => {
  faultsWasRunning = (await pbxStatus('faults')).running
  await pbxUp('faults')
  browser = await launchBrowser()
  // A call is kept 5 s (not the default 30 s) through a lost WebSocket: the PBX killed mid-call
  // ends it FAILED within the test's waits (the survival itself is tests/e2e/reconnect.e2e.ts).
  sim = await openSimulator(browser, { pbxUrl: PBX_WS_URLS.faults, sipDomain: '127.0.0.1', callReconnectSeconds: '5' })
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
    expect(await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).count()).toBe(0)
    // A few failed attempts while it is down: the backoff grows.
    await banner().filter({ hasText: /attempt [2-9]/ }).waitFor({ timeout: 15_000 })

    // Measured from the PBX answering SIP (pbxUp resolves then), not from before its start:
    // on a loaded machine the start alone can take seconds.
    await pbxUp('faults')
    const back = Date.now()
    await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor({ timeout: 12_000 })
    const seconds = (Date.now() - back) / 1000
    console.log(`[faults] registered again ${seconds.toFixed(1)} s after the PBX was ready`)
    expect(seconds).toBeLessThanOrEqual(10)
    expect(await banner().count()).toBe(0)
    await expect.poll(registeredAtPbx, { timeout: 5_000 }).toBe(true)
    // HubSpot was never told the agent logged out.
    expect((await sim.received()).map(e => e.type)).not.toContain('LOGGED_OUT')
  })
})

describe('the PBX goes away mid-call', () => {
  it('keeps the call while it reconnects, then ends it FAILED at the limit; the wrap-up still works and the notes reach HubSpot; media is released', async () => {
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    const endedBefore = (await sim.received()).filter(e => e.type === 'CALL_ENDED').length
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.widget.getByText('Connected', { exact: true }).waitFor()

    // A crash, not a clean shutdown (which would send a BYE): the WebSocket just dies.
    await pbxCrash('faults')
    const crashed = Date.now()
    await sim.widget.getByTestId('call-state').filter({ hasText: /^Reconnecting…$/ }).waitFor()
    const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
    expect(ended.data).toMatchObject({ callEndStatus: 'FAILED' })
    console.log(`[faults] PBX killed mid-call: Reconnecting…, then CALL_ENDED FAILED ${((ended.at - crashed) / 1000).toFixed(1)} s after the kill returned (limit 5 s)`)
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await sim.widget.getByTestId('end-reason').filter({ hasText: /connection/i }).waitFor()

    // Media released at once, even though no BYE could be exchanged.
    await expect.poll(async () => (await mediaReport(sim.widgetFrame())).liveTracks, { timeout: 5_000 }).toBe(0)
    const pcs = (await mediaReport(sim.widgetFrame())).peerConnections
    expect(pcs.every(pc => pc.connectionState === 'closed')).toBe(true)

    // The agent writes the notes while the PBX is still down, and reloads mid-wrap-up.
    await sim.widget.getByLabel('Notes', { exact: true }).fill(NOTES)
    await sim.page.evaluate(() => window.__host.reloadWidget())
    await expect.poll(() => sim.widget.getByLabel('Notes', { exact: true }).inputValue(), { timeout: 30_000 }).toBe(NOTES)
    await sim.page.waitForFunction(() => window.__host.isReady(), undefined, { timeout: 30_000 })

    const completedBefore = (await sim.received()).filter(e => e.type === 'CALL_COMPLETED').length
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
    const body = (completed.data as { engagementProperties: { hs_call_body: string, hs_call_status: string } }).engagementProperties
    expect(body.hs_call_body).toBe('PBX died mid-call<br>Customer wants a call back &lt;tomorrow&gt; &amp; a quote')
    expect(body.hs_call_status).toBe('FAILED')
    await pbxUp('faults')
  })
})

/** Registered on the faults instance (the mid-call test reloads the widget, which forgets the password). */
async function ensureSignedIn(): Promise<void> {
  await pbxUp('faults')
  const signInButton = sim.widget.getByRole('button', { name: 'Sign in', exact: true })
  const callButton = sim.widget.getByRole('button', { name: 'Call', exact: true })
  await signInButton.or(callButton).first().waitFor()
  if (await signInButton.isVisible()) {
    const loggedIn = (await sim.received()).filter(e => e.type === 'LOGGED_IN').length
    await signIn(sim, AGENT)
    await sim.waitForMessage('LOGGED_IN', loggedIn + 1)
  }
  await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor({ timeout: 15_000 })
  await expect.poll(registeredAtPbx, { timeout: 5_000 }).toBe(true)
}

/** The log as the faults instance's last `up` started it (`up` empties it). */
const freshLog = async (): Promise<LogMarker> => ({ path: await pbxLogPath('faults'), offset: 0 })

describe('the agent\'s password is changed at the PBX while the agent is signed in', () => {
  it('the refused re-REGISTER sends the agent back to sign-in with the reason, HubSpot is told, nothing retries; the new password works', async () => {
    await ensureSignedIn()
    const loggedOutBefore = (await sim.received()).filter(e => e.type === 'LOGGED_OUT').length
    const loggedInBefore = (await sim.received()).filter(e => e.type === 'LOGGED_IN').length
    let changed = false
    try {
      // The PBX goes away and comes back with another password for this agent: the phone
      // REGISTERs again on its own with the one it has.
      await pbxCrash('faults')
      changed = true
      await pbxUp('faults', { passwords: { [AGENT]: 'changed1007' } })
      const back = Date.now()
      const mark = await freshLog()

      // The phone's own backoff decides when it tries again (attempt 2–3 here: up to 4 s, plus
      // sip.js's 5 s connection timeout if it lands while Asterisk is still starting).
      await sim.widget.getByRole('alert').filter({ hasText: 'Wrong extension or password.' }).waitFor({ timeout: 30_000 })
      console.log(`[faults] refused re-REGISTER: back at sign-in ${((Date.now() - back) / 1000).toFixed(1)} s after pbx.sh up returned`)
      await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
      expect(await banner().count()).toBe(0)
      const loggedOut = await sim.waitForMessage('LOGGED_OUT', loggedOutBefore + 1)
      expect(loggedOut.type).toBe('LOGGED_OUT')

      // At the PBX: challenged, then the old credentials refused; never accepted.
      const registers = await registersSince(mark, AGENT)
      expect(registers.length).toBeGreaterThanOrEqual(2)
      expect(registers.some(r => r.answer === 200)).toBe(false)
      const last = registers.at(-1)!
      expect(last.authorized).toBe(true)
      expect([401, 403]).toContain(last.answer)
      console.log(`[faults] REGISTERs after the restart: ${registers.map(r => `${r.authorized ? 'authorised' : 'plain'} → ${r.answer}`).join(', ')}`)

      // No loop keeps hammering the PBX: a pending reconnection would REGISTER at once on
      // 'online' (src/main.ts calls reconnectNow). Nothing can be awaited for "nothing
      // happened", so the window for that REGISTER to arrive is a fixed 3 s, then a barrier.
      await sim.widgetFrame().evaluate(() => window.dispatchEvent(new Event('online')))
      await new Promise(resolve => setTimeout(resolve, 3_000))
      await logBarrier(mark, 'faults')
      expect(await registersSince(mark, AGENT)).toHaveLength(registers.length)
      expect(await registeredAtPbx()).toBe(false)

      // The password is set back: the agent signs in again through the form.
      await pbxCrash('faults')
      await pbxUp('faults')
      changed = false
      await signIn(sim, AGENT)
      await sim.waitForMessage('LOGGED_IN', loggedInBefore + 1)
      await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor({ timeout: 10_000 })
      expect(await registeredAtPbx()).toBe(true)
      expect((await registersSince(await freshLog(), AGENT)).at(-1)?.answer).toBe(200)
    }
    finally {
      if (changed) {
        // Leave the instance with the default passwords, whatever failed above.
        await pbxDown('faults')
        await pbxUp('faults')
      }
    }
  })
})

/** Loopback-only: drop UDP to and from the faults instance's RTP ports (21000–21999), so ICE checks fail. */
const ICE_TABLE = 'softphone_e2e_faults_ice'
function blockFaultsRtp(): void {
  execFileSync('nft', ['-f', '-'], {
    input: `table inet ${ICE_TABLE} {}
delete table inet ${ICE_TABLE}
table inet ${ICE_TABLE} {
  chain output {
    type filter hook output priority filter; policy accept;
    oifname "lo" udp dport 21000-21999 drop
    oifname "lo" udp sport 21000-21999 drop
  }
}
`,
  })
}
function unblockFaultsRtp(): void {
  execFileSync('nft', ['-f', '-'], { input: `table inet ${ICE_TABLE} {}\ndelete table inet ${ICE_TABLE}\n` })
}
const faultsRtpBlocked = (): boolean => execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' }).includes(ICE_TABLE)

describe('ICE fails (the PBX\'s RTP ports unreachable)', () => {
  it('ends the call FAILED with a readable reason, hangs up at the PBX and releases the media', async () => {
    await ensureSignedIn()
    const endedBefore = (await sim.received()).filter(e => e.type === 'CALL_ENDED').length
    const mark = await logMarker(150, 'faults')
    try {
      blockFaultsRtp()
      expect(faultsRtpBlocked()).toBe(true)
      const dialed = Date.now()
      await sim.dial(TEST_NUMBERS.echo.e164)
      const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
      console.log(`[faults] ICE failure: CALL_ENDED ${((Date.now() - dialed) / 1000).toFixed(1)} s after the dial`)
      expect(ended.data).toMatchObject({ callEndStatus: 'FAILED' })
    }
    finally {
      unblockFaultsRtp()
    }
    expect(faultsRtpBlocked()).toBe(false)
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    const reason = await sim.widget.getByTestId('end-reason').textContent()
    console.log(`[faults] ICE failure: wrap-up reason "${reason}"`)
    expect(reason).toMatch(/^Audio could not be connected: The audio connection failed \(ICE(\/DTLS)?\)\.$/)

    // At the PBX: the call was set up over SIP, then the phone ended it.
    const invites = (await invitesSince(mark)).filter(i => i.from.includes(`sip:${AGENT}@`) && !i.inDialog)
    const callId = invites.at(-1)?.callId
    expect(callId).toBeTruthy()
    await expect.poll(async () => {
      const log = (await logSince(mark)).replace(/\r\n/g, '\n')
      return [...log.matchAll(/<--- Received SIP request [^\n]*--->\n(BYE|CANCEL) [^\n]*\n([\s\S]*?)\n\n/g)]
        .some(m => (m[2] ?? '').includes(`Call-ID: ${callId}`))
    }, { timeout: 5_000 }).toBe(true)

    await expect.poll(async () => (await mediaReport(sim.widgetFrame())).liveTracks, { timeout: 5_000 }).toBe(0)
    const completedBefore = (await sim.received()).filter(e => e.type === 'CALL_COMPLETED').length
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
  })
})

describe('the microphone is denied', () => {
  it('explains how to allow it in the HubSpot tab, tells HubSpot (sendError), and sends no INVITE', async () => {
    // A browser that refuses every permission prompt.
    const denying = await chromium.launch(chromiumLaunchOptions({ microphone: 'deny' }))
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
