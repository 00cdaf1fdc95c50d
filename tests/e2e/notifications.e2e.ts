/**
 * Desktop notifications in the real Chromium (agent 1010, callers through the real Asterisk), with the
 * softphone where HubSpot puts it: a cross-origin iframe (the simulator on 127.0.0.1, the widget on
 * localhost). What Chromium does there, measured:
 * - nothing granted: `Notification.permission` reads 'denied' in the iframe, `requestPermission()`
 *   resolves 'denied' without a prompt, and DevTools' Issues list the deprecation
 *   `NotificationPermissionRequestedIframe`; granting the widget's own origin changes nothing;
 * - HubSpot's (the top-level) origin granted: the iframe reads 'granted' and its notifications show.
 * HubSpot "hidden" is its VISIBILITY_CHANGED message (headless Chromium never hides a page, so the
 * `document.visibilityState` path is unit-tested).
 */
import type { Browser, BrowserContext, CDPSession } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Simulator } from './browser'
import { launchBrowser, openSignedIn, saveCall, signIn } from './browser'

const AGENT = '1010'

interface SeenNotification { title: string, body: string, shown: boolean, error: boolean, closed: boolean }
declare global {
  interface Window { __notifications?: SeenNotification[], __lastNotification?: Notification }
}

/** Records, in the widget's frame, every notification it creates and what became of it. */
function recordNotifications(): void {
  if (location.hostname !== 'localhost' || typeof Notification !== 'function')
    return
  const Native = Notification
  const seen: SeenNotification[] = []
  window.__notifications = seen
  window.Notification = class extends Native {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      const record = { title, body: options?.body ?? '', shown: false, error: false, closed: false }
      seen.push(record)
      window.__lastNotification = this
      this.addEventListener('show', () => { record.shown = true })
      this.addEventListener('error', () => { record.error = true })
      const close = this.close.bind(this)
      this.close = () => {
        record.closed = true
        close()
      }
    }
  } as typeof Notification
}

const simulatorOrigin = (): string => new URL(inject('baseUrl')).origin
const widgetOrigin = (): string => {
  const url = new URL(inject('baseUrl'))
  url.hostname = 'localhost'
  return url.origin
}

async function openPanel(sim: Simulator): Promise<void> {
  await sim.widget.getByText('Audio devices', { exact: true }).click()
  await sim.widget.getByTestId('desktop-alerts').waitFor()
}
const access = (sim: Simulator) => sim.widget.getByTestId('desktop-alerts').getAttribute('data-access')
const notifications = (sim: Simulator) => sim.widgetFrame().evaluate(() => window.__notifications ?? [])
const button = (sim: Simulator, name: string) => sim.widget.getByRole('button', { name, exact: true })

async function ringHidden(sim: Simulator, from: '1006' | '1007'): Promise<void> {
  await sim.page.evaluate(() => window.__host.setVisibility({ isMinimized: false, isHidden: true }))
  await sim.page.evaluate(([f, a]) => window.__host.callAgent(f, a), [from, AGENT] as const)
  // The simulator hides the iframe as HubSpot would (visibility: hidden): the screen is there, unseen.
  await button(sim, 'Answer').waitFor({ state: 'attached' })
}
const showHubSpot = (sim: Simulator) => sim.page.evaluate(() => window.__host.setVisibility({ isMinimized: false, isHidden: false }))

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('inside HubSpot (a cross-origin iframe), nothing granted to HubSpot', () => {
  let context: BrowserContext
  let sim: Simulator
  beforeAll(async () => {
    context = await browser.newContext()
    // Granting the widget's own origin does not reach it inside another site's page.
    await context.grantPermissions(['notifications'], { origin: widgetOrigin() })
    await context.addInitScript(recordNotifications)
    sim = await openSignedIn(context, AGENT, { iframeLocation: 'remote' })
  })
  afterAll(async () => {
    await context?.close()
  })

  it('the browser reports denied, refuses without a prompt, and the setting says so with no button', async () => {
    expect(await sim.widgetFrame().evaluate(() => Notification.permission)).toBe('denied')
    await openPanel(sim)
    expect(await access(sim)).toBe('blocked-in-frame')
    await sim.widget.getByText(/^Not available inside HubSpot: the browser lets only HubSpot's own page ask/).waitFor()
    expect(await sim.widget.getByTestId('desktop-alerts').getByRole('button').count()).toBe(0)

    // What the browser does with a request from here anyway (the softphone never makes one).
    const cdp: CDPSession = await context.newCDPSession(sim.widgetFrame())
    const issues: string[] = []
    cdp.on('Audits.issueAdded', ({ issue }) => issues.push(String(issue.details.deprecationIssueDetails?.type ?? issue.code)))
    await cdp.send('Audits.enable')
    expect(await sim.widgetFrame().evaluate(() => Notification.requestPermission())).toBe('denied')
    await expect.poll(() => issues).toContain('NotificationPermissionRequestedIframe')
    await cdp.detach()
  })

  it('an inbound call while HubSpot is hidden raises no notification (and nothing breaks)', async () => {
    await ringHidden(sim, '1007')
    await sim.page.evaluate(() => window.__host.callerHangup())
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ state: 'attached' })
    expect(await notifications(sim)).toEqual([])
    await showHubSpot(sim)
    await saveCall(sim)
  })
})

describe('inside HubSpot, notifications granted to HubSpot\'s site (the top-level origin)', () => {
  let context: BrowserContext
  let sim: Simulator
  beforeAll(async () => {
    context = await browser.newContext()
    await context.grantPermissions(['notifications'], { origin: simulatorOrigin() })
    await context.addInitScript(recordNotifications)
    sim = await openSignedIn(context, AGENT, { iframeLocation: 'remote' })
  })
  afterAll(async () => {
    await context?.close()
  })

  it('the iframe may use them: the setting reads On', async () => {
    expect(await sim.widgetFrame().evaluate(() => Notification.permission)).toBe('granted')
    await openPanel(sim)
    expect(await access(sim)).toBe('granted')
    await sim.widget.getByText(/^On: an incoming call while HubSpot is in the background/).waitFor()
    await sim.widget.getByText('Audio devices', { exact: true }).click()
  })

  it('HubSpot hidden: the call shows a notification that closes when the agent answers', async () => {
    await ringHidden(sim, '1006')
    await expect.poll(() => notifications(sim)).toMatchObject([{ title: expect.stringMatching(/^Incoming call: /), shown: true, error: false, closed: false }])
    // Answered from the widget while HubSpot still reads hidden (the agent got there another way).
    await button(sim, 'Answer').evaluate(b => (b as HTMLButtonElement).click())
    await sim.widget.getByTestId('call-state').filter({ hasText: /^Connected$/ }).waitFor({ state: 'attached' })
    await expect.poll(async () => (await notifications(sim))[0]?.closed).toBe(true)
    await showHubSpot(sim)
    await button(sim, 'Hang up').click()
    await saveCall(sim)
  })

  it('clicking the notification brings the call forward (Answer has the focus); the caller giving up closes it', async () => {
    await ringHidden(sim, '1007')
    await expect.poll(async () => (await notifications(sim)).length).toBe(2)
    await sim.widgetFrame().evaluate(() => window.__lastNotification?.onclick?.(new Event('click')))
    await expect.poll(() => sim.widgetFrame().evaluate(() => document.activeElement?.textContent?.trim())).toBe('Answer')
    expect((await notifications(sim))[1]?.closed).toBe(true)
    await sim.page.evaluate(() => window.__host.callerHangup())
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ state: 'attached' })
    await showHubSpot(sim)
    await saveCall(sim)
    expect(await notifications(sim)).toHaveLength(2)
  })
})

describe('the widget opened on its own (top-level), where the browser may ask', () => {
  it('offers Allow; only the click asks the browser; once allowed, the setting reads On', async () => {
    const context = await browser.newContext()
    try {
      // Counts the requests the page makes (and passes them on to the browser).
      await context.addInitScript(() => {
        const native = Notification.requestPermission.bind(Notification)
        ;(window as unknown as { __requests: number }).__requests = 0
        Notification.requestPermission = (...args) => {
          (window as unknown as { __requests: number }).__requests++
          return native(...args)
        }
      })
      const page = await context.newPage()
      const requests = () => page.evaluate(() => (window as unknown as { __requests: number }).__requests)
      await page.goto(`${widgetOrigin()}/`)
      const sim = { widget: page.mainFrame() } as unknown as Simulator
      await signIn(sim, AGENT)
      await page.getByRole('button', { name: 'Call', exact: true }).waitFor()
      const devices = page.getByText('Audio devices', { exact: true })
      await devices.click()
      const setting = page.getByTestId('desktop-alerts')
      expect(await setting.getAttribute('data-access')).toBe('default')
      expect(await requests()).toBe(0) // nothing asked at load or sign-in
      await page.getByRole('button', { name: 'Allow desktop notifications', exact: true }).click()
      expect(await requests()).toBe(1)
      // Headless Chromium shows no prompt: answer it as the agent would, in the browser.
      await context.grantPermissions(['notifications'], { origin: widgetOrigin() })
      await expect.poll(() => setting.getAttribute('data-access')).toBe('granted')
      await page.getByText(/^On: an incoming call while HubSpot is in the background/).waitFor()
    }
    finally {
      await context.close()
    }
  })
})
