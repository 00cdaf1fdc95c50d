/**
 * The HubSpot simulator plays HubSpot as it is: several tabs of one browser profile (each with the
 * calling remote, or the record-page widget), HubSpot's calling window (a popup), the three calling
 * settings as switches, and one HubSpot backend for all of them. These tests prove the simulator
 * itself (with today's app, or the fake widget where no PBX is needed), not the app's coordination
 * of its frames.
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentAnswersSince, logMarker } from '../../pbx/control'
import type { HostLogEntry, HubSpotPage, Simulator } from './browser'
import { dialOpeningCallingWindow, launchBrowser, openAnotherTab, openCallingWindow, openHubSpotTab, signIn } from './browser'

const AGENT = '1002'
/** dev/config.json's devLogin: the agent the sign-in form is prefilled with in development. */
const DEV_AGENT = '1001'
const FAKE_WIDGET = { widget: '/dev/host/fake-widget.html' }
const NUMBER = '+44 20 7946 0600'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

/** What the page's SYNC told its frame (the last SYNC: the frame's current load). */
async function syncOf(page: Simulator): Promise<{ iframeLocation: unknown, usesCallingWindow: unknown }> {
  const sync = (await page.log()).filter(e => e.dir === 'out' && e.type === 'SYNC').at(-1)
  const data = sync?.data as { iframeLocation?: unknown, usesCallingWindow?: unknown } | undefined
  return { iframeLocation: data?.iframeLocation, usesCallingWindow: data?.usesCallingWindow }
}

const sent = async (page: Simulator, type: string): Promise<HostLogEntry[]> =>
  (await page.log()).filter(e => e.dir === 'out' && e.type === type)

async function waitForSent(page: Simulator, type: string, count = 1): Promise<HostLogEntry[]> {
  await page.page.waitForFunction(([t, n]) => window.__hostLog.filter(e => e.dir === 'out' && e.type === t).length >= n, [type, count] as const, { timeout: 15_000 })
  return sent(page, type)
}

/** The simulator's caller line: the final SIP status its INVITE got, and why. */
const callerLine = async (page: Simulator): Promise<string> => (await page.page.locator('#caller-state').textContent()) ?? ''

describe('two HubSpot tabs and the calling window in one browser profile (defaults)', () => {
  let context: BrowserContext
  let tab1: HubSpotPage
  let tab2: HubSpotPage
  let win: HubSpotPage

  beforeAll(async () => {
    context = await browser.newContext()
    tab1 = await openHubSpotTab(context)
    tab2 = await openAnotherTab(tab1)
    win = await openCallingWindow(tab1)
  })
  afterAll(async () => {
    await context?.close()
  })

  it('each frame\'s SYNC says where it is: the tabs\' remotes, the window\'s window, all with usesCallingWindow', async () => {
    expect(await syncOf(tab1)).toEqual({ iframeLocation: 'remote', usesCallingWindow: true })
    expect(await syncOf(tab2)).toEqual({ iframeLocation: 'remote', usesCallingWindow: true })
    expect(await syncOf(win)).toEqual({ iframeLocation: 'window', usesCallingWindow: true })
    expect(await tab2.location()).toEqual({ page: 'tab', iframeLocation: 'remote', usesCallingWindow: true, pinned: false, dialTo: 'tab' })
    expect(await win.location()).toEqual({ page: 'window', iframeLocation: 'window', usesCallingWindow: true, pinned: false, dialTo: 'tab' })
    // The frame kind is on each page's status line and timeline.
    expect(await tab1.page.getByRole('status').first().textContent()).toMatch(/^HubSpot tab · the calling remote · /)
    expect(await win.page.getByRole('status').first().textContent()).toMatch(/^HubSpot calling window · HubSpot's calling window · /)
    expect(await win.page.title()).toBe('HubSpot calling window — HubSpot host simulator')
  })

  it('every tab learns the calling window is open, and that it closed', async () => {
    await tab2.page.waitForFunction(() => window.__host.callingWindowOpen())
    expect(await tab1.page.evaluate(() => window.__host.callingWindowOpen())).toBe(true)
    // At most one: the button does nothing while it is open.
    expect(await tab2.page.evaluate(() => window.__host.openCallingWindow())).toBe(false)
    expect(context.pages()).toHaveLength(3)

    // The click closes the page it is made in: Playwright may report the page closed before the click returns.
    const closeClick = win.page.getByRole('button', { name: 'Close calling window', exact: true }).click()
      .catch((error: unknown) => {
        if (!win.page.isClosed())
          throw error
      })
    await Promise.all([win.page.waitForEvent('close'), closeClick])
    await tab1.page.waitForFunction(() => !window.__host.callingWindowOpen())
    await tab2.page.waitForFunction(() => !window.__host.callingWindowOpen())
    await tab1.page.getByText('Calling window: closed', { exact: true }).waitFor()
    // However the window goes (here as a crash or a test's close would: no goodbye guaranteed), the tabs learn it.
    win = await openCallingWindow(tab2)
    await tab1.page.waitForFunction(() => window.__host.callingWindowOpen())
    await win.page.close()
    await tab1.page.waitForFunction(() => !window.__host.callingWindowOpen())
    await tab2.page.waitForFunction(() => !window.__host.callingWindowOpen())
    win = await openCallingWindow(tab1)
    await tab2.page.waitForFunction(() => window.__host.callingWindowOpen())
  })

  it('the switches are shared by every tab and change only frames loaded afterwards', async () => {
    const usesRemote = tab1.page.getByLabel('usesRemote', { exact: true })
    expect(await usesRemote.isChecked()).toBe(true)
    await usesRemote.uncheck()
    await tab1.page.getByLabel('usesCallingWindow', { exact: true }).uncheck()
    // Tab 2 sees the change (the host origin's storage), its frame keeps what it was loaded with.
    await expect.poll(() => tab2.page.getByLabel('usesRemote', { exact: true }).isChecked()).toBe(false)
    expect(await syncOf(tab2)).toEqual({ iframeLocation: 'remote', usesCallingWindow: true })
    expect(await tab1.page.evaluate(() => window.__host.settings())).toEqual({
      stored: { supportsInboundCalling: true, usesRemote: false, usesCallingWindow: false },
      effective: { supportsInboundCalling: true, usesRemote: true, usesCallingWindow: true },
      overridden: [],
    })

    const tab3 = await openAnotherTab(tab2)
    expect(await syncOf(tab3)).toEqual({ iframeLocation: 'widget', usesCallingWindow: false })
    await tab3.page.close()

    // Reloaded, tab 2's frame gets the new layout; a query override wins over the switches.
    await tab2.page.reload()
    await tab2.page.waitForFunction(() => window.__host?.isReady())
    expect(await syncOf(tab2)).toEqual({ iframeLocation: 'widget', usesCallingWindow: false })
    const overridden = await openHubSpotTab(context, { usesRemote: '1', usesCallingWindow: '0' })
    expect(await syncOf(overridden)).toEqual({ iframeLocation: 'remote', usesCallingWindow: false })
    expect((await overridden.page.evaluate(() => window.__host.settings())).overridden).toEqual(['usesRemote', 'usesCallingWindow'])
    await overridden.page.close()

    await tab1.page.evaluate(() => window.__host.setSettings({ usesRemote: true, usesCallingWindow: true }))
    await expect.poll(() => tab2.page.getByLabel('usesRemote', { exact: true }).isChecked()).toBe(true)
  })
})

describe('a dial from a tab', () => {
  it('opens the calling window when none is open, and goes to the tab\'s own remote (dialTo=tab, the default)', async () => {
    const context = await browser.newContext()
    const tab = await openHubSpotTab(context, FAKE_WIDGET)
    const win = await dialOpeningCallingWindow(tab, NUMBER)
    expect((await sent(tab, 'DIAL_NUMBER')).map(e => (e.data as { phoneNumber: string }).phoneNumber)).toEqual([NUMBER])
    await tab.waitForMessage('OUTGOING_CALL_STARTED')
    expect(await sent(win, 'DIAL_NUMBER')).toEqual([])
    // The window is open now: the next dial opens none.
    await tab.page.evaluate(() => window.__host.endCall())
    await tab.waitForMessage('CALL_COMPLETED')
    expect(await tab.page.evaluate(n => window.__host.dial(n), NUMBER)).toBe(true)
    await tab.waitForMessage('OUTGOING_CALL_STARTED', 2)
    expect(context.pages()).toHaveLength(2)
    await context.close()
  })

  it('with ?dialTo=window goes to the calling window\'s frame, once that frame is synced', async () => {
    const context = await browser.newContext()
    const tab = await openHubSpotTab(context, { ...FAKE_WIDGET, dialTo: 'window' })
    const win = await dialOpeningCallingWindow(tab, NUMBER)
    const [dialed] = await waitForSent(win, 'DIAL_NUMBER')
    expect(dialed?.data).toMatchObject({ phoneNumber: NUMBER })
    await win.waitForMessage('OUTGOING_CALL_STARTED')
    expect(await sent(tab, 'DIAL_NUMBER')).toEqual([])
    expect(await win.location()).toMatchObject({ page: 'window', dialTo: 'window' })
    await context.close()
  })

  it('opens no calling window when usesCallingWindow is off', async () => {
    const context = await browser.newContext()
    const tab = await openHubSpotTab(context, { ...FAKE_WIDGET, usesCallingWindow: '0' })
    expect(await tab.page.evaluate(n => window.__host.dial(n), NUMBER)).toBe(true)
    await tab.waitForMessage('OUTGOING_CALL_STARTED')
    expect(await tab.page.evaluate(() => window.__host.callingWindowOpen())).toBe(false)
    expect(context.pages()).toHaveLength(1)
    await context.close()
  })
})

describe('one HubSpot backend', () => {
  it('engagement ids never collide across two tabs and the window creating them at once; the checker flags the remotes\' call messages', async () => {
    const context = await browser.newContext()
    const tab1 = await openHubSpotTab(context, FAKE_WIDGET)
    const win = await openCallingWindow(tab1)
    const tab2 = await openAnotherTab(tab1)
    await tab2.page.waitForFunction(() => window.__host.callingWindowOpen())
    const pages = [tab1, tab2, win]
    for (const p of pages)
      await p.page.evaluate(() => window.__host.setReplyDelay(0))

    const ROUNDS = 3
    for (let round = 1; round <= ROUNDS; round++) {
      expect(await Promise.all(pages.map(p => p.page.evaluate(n => window.__host.dial(n), NUMBER)))).toEqual([true, true, true])
      await Promise.all(pages.map(p => waitForSent(p, 'CREATE_ENGAGEMENT_SUCCEEDED', round)))
      await Promise.all(pages.map(p => p.page.evaluate(() => window.__host.endCall())))
      await Promise.all(pages.map(p => waitForSent(p, 'UPDATE_ENGAGEMENT_SUCCEEDED', round)))
    }
    const ids = (await Promise.all(pages.map(p => sent(p, 'CREATE_ENGAGEMENT_SUCCEEDED'))))
      .flat().map(e => (e.data as { engagementId: number }).engagementId)
    expect(ids).toHaveLength(pages.length * ROUNDS)
    expect(new Set(ids).size).toBe(ids.length)

    // HubSpot takes call messages from the window while it is open; a remote sends none (demo-react-ts useCti.ts).
    for (const tab of [tab1, tab2]) {
      const started = await tab.waitForMessage('OUTGOING_CALL_STARTED')
      expect(started.note).toMatch(/calling window is open/)
    }
    expect((await win.waitForMessage('OUTGOING_CALL_STARTED')).note).toBeUndefined()
    await context.close()
  })
})

describe('inbound with the defaults (npm start\'s layout)', () => {
  it('the prefilled agent signs in, "Call the agent" rings the calling remote (not 480); the caller line says why it ended', async () => {
    const context = await browser.newContext()
    const tab = await openHubSpotTab(context)
    await tab.page.evaluate(() => window.__host.setReplyDelay(0))
    // As an integrator would: the development sign-in is prefilled (dev/config.json's devLogin), and the
    // simulator's Agent extension follows it.
    await tab.widget.getByRole('button', { name: 'Sign in', exact: true }).click()
    await tab.waitForMessage('LOGGED_IN')
    await tab.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    const agent = tab.page.getByLabel('Agent extension', { exact: true })
    await expect.poll(() => agent.inputValue()).toBe(DEV_AGENT)
    const mark = await logMarker()
    await tab.page.getByRole('button', { name: 'Call the agent', exact: true }).click()
    expect((await tab.waitForMessage('INCOMING_CALL')).data).toMatchObject({ toNumber: DEV_AGENT })
    await tab.widget.getByRole('button', { name: 'Decline', exact: true }).click()
    await expect.poll(() => agentAnswersSince(mark, DEV_AGENT), { timeout: 10_000 }).toEqual([603])
    // Asterisk turns the agent's 603 Decline into a 403 for the caller; no 480 anywhere.
    await expect.poll(() => callerLine(tab)).toBe('Caller: ended (403) — the agent declined (Asterisk passes the agent\'s 603 Decline on to a caller as 403)')
    await context.close()
  })

  it('a record-page widget\'s 480 is named as such, not as Do not disturb', async () => {
    const context = await browser.newContext()
    const tab = await openHubSpotTab(context, { usesRemote: '0', usesCallingWindow: '0', supportsInboundCalling: '0' })
    expect(await tab.location()).toMatchObject({ iframeLocation: 'widget' })
    await signIn(tab, AGENT)
    await tab.waitForMessage('LOGGED_IN')
    await tab.page.evaluate(a => window.__host.callAgent('1007', a), AGENT)
    await expect.poll(() => callerLine(tab)).toBe('Caller: ended (480) — this page hosts the record-page widget (iframeLocation widget), which takes no inbound calls')
    await context.close()
  })
})
