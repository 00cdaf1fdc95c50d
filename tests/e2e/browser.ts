/**
 * Debian's Chromium driven by playwright-core, with fake media, and the HubSpot
 * host simulator opened in it. Every frame is instrumented (before any page
 * script runs) to keep the peer connections and getUserMedia streams it made,
 * so tests can read getStats and check that media was released.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, inject } from 'vitest'
import type { CallingSettings, HostLocation, HostLogEntry } from '../../dev/host/hooks'
import { chromiumLaunchOptions } from './chromium.mjs'

export type { CallingSettings, HostLocation, HostLogEntry }

/**
 * Chromium with the browser's real storage default, or (`storage: 'denied'`) the iframe denied all
 * storage but partitioned cookies; in English (`E2E_LANGUAGE`) unless `language` says otherwise.
 */
export async function launchBrowser(options: { storage?: 'partitioned' | 'denied', language?: string } = {}): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions(options))
}

/**
 * The strictest browser: the storage-denied one whose profile also blocks every cookie (Chrome's
 * "Block all cookies" setting, `profile.default_content_setting_values.cookies = 2`), so HubSpot's
 * iframe can keep nothing across a reload. A persistent context, since the setting is a profile's.
 */
export async function launchNoStorageContext(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'softphone-no-storage-'))
  mkdirSync(join(profile, 'Default'))
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }))
  return chromium.launchPersistentContext(profile, chromiumLaunchOptions({ storage: 'denied' }))
}

function instrumentMedia(): void {
  const w = window as unknown as { __media?: { pcs: RTCPeerConnection[], streams: MediaStream[] } }
  if (w.__media)
    return
  const media = { pcs: [] as RTCPeerConnection[], streams: [] as MediaStream[] }
  w.__media = media
  const Original = window.RTCPeerConnection
  if (Original) {
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args)
        media.pcs.push(this)
      }
    }
  }
  const devices = navigator.mediaDevices
  if (devices?.getUserMedia) {
    const getUserMedia = devices.getUserMedia.bind(devices)
    devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await getUserMedia(constraints)
      media.streams.push(stream)
      return stream
    }
  }
}

export interface Simulator {
  page: Page
  /** The softphone, inside the simulator's iframe. */
  widget: FrameLocator
  widgetFrame: () => Frame
  log: () => Promise<HostLogEntry[]>
  /** The SDK messages the host received from the widget, in order, without the handshake. */
  received: () => Promise<HostLogEntry[]>
  waitForMessage: (type: string, count?: number) => Promise<HostLogEntry>
  dial: (phoneNumber: string) => Promise<void>
}

/**
 * The simulator as one stand-alone page, as before HubSpot's tabs and calling window were played:
 * its frame is pinned with `?iframeLocation=` (default `widget`, the record-page widget), no calling
 * window opens. `browser`: a new context of it, or the given context itself (a second HubSpot tab of
 * the same profile). `config`: fields laid over the development config.json the softphone loads (for
 * what the page URL may not carry, such as TURN credentials).
 */
export async function openSimulator(browser: Browser | BrowserContext, query: Record<string, string> = {}, config?: Record<string, unknown>): Promise<Simulator> {
  const context = 'newContext' in browser ? await browser.newContext() : browser
  await prepareContext(context, config)
  return openPage(context, { iframeLocation: 'widget', ...query })
}

const prepared = new WeakSet<BrowserContext>()

/** Once per context: every frame instrumented for media; `config` laid over config.json. */
async function prepareContext(context: BrowserContext, config?: Record<string, unknown>): Promise<void> {
  if (!prepared.has(context)) {
    prepared.add(context)
    await context.addInitScript(instrumentMedia)
  }
  if (config) {
    await context.route(url => url.pathname === '/config.json', async (route) => {
      const base = await (await route.fetch()).json() as Record<string, unknown>
      await route.fulfill({ json: { ...base, ...config } })
    })
  }
}

const watched = new WeakSet<Page>()

/** A page's uncaught errors go to the test's output. */
function watchErrors(page: Page): void {
  if (watched.has(page))
    return
  watched.add(page)
  page.on('pageerror', error => console.error('[page error]', error))
}

/** A new simulator page in `context` at `/dev/host/?query`. */
async function newHostPage(context: BrowserContext, query: Record<string, string>): Promise<Page> {
  const page = await context.newPage()
  watchErrors(page)
  const url = new URL('/dev/host/', inject('baseUrl'))
  for (const [key, value] of Object.entries(query))
    url.searchParams.set(key, value)
  await page.goto(url.toString())
  return page
}

async function openPage(context: BrowserContext, query: Record<string, string>): Promise<Simulator> {
  return simulatorOn(await newHostPage(context, query))
}

/** The handle for a simulator page already open (a tab, or the calling window's popup), once its frame is synced. */
export async function simulatorOn(page: Page): Promise<Simulator> {
  watchErrors(page)
  await page.waitForFunction(() => window.__host?.isReady(), undefined, { timeout: 30_000 })
  const widget = page.frameLocator('iframe#hubspot-calling-extension-iframe')

  const widgetFrame = (): Frame => {
    const frame = page.frames().find(f => f !== page.mainFrame() && f.url().includes('localhost'))
    if (!frame)
      throw new Error('the softphone iframe is not loaded')
    return frame
  }
  const log = () => page.evaluate(() => window.__hostLog.map(e => ({ ...e })))
  const received = async () => (await log()).filter(e => e.dir === 'in' && !e.type.startsWith('SYNC'))
  const waitForMessage = async (type: string, count = 1): Promise<HostLogEntry> => {
    await page.waitForFunction(
      ([t, n]) => window.__hostLog.filter(e => e.dir === 'in' && e.type === t).length >= n,
      [type, count] as const,
      { timeout: 30_000 },
    )
    const all = (await log()).filter(e => e.dir === 'in' && e.type === type)
    return all[count - 1]!
  }
  const dial = async (phoneNumber: string) => {
    await page.waitForFunction(() => window.__host?.isReady())
    if (!await page.evaluate(n => window.__host.dial(n), phoneNumber))
      throw new Error('the host simulator could not send DIAL_NUMBER')
  }
  return { page, widget, widgetFrame, log, received, waitForMessage, dial }
}

/** One simulator page of the layout HubSpot really runs: a tab (calling remote or record-page widget) or the calling window. */
export interface HubSpotPage extends Simulator {
  /** The frame this page hosts (what its SYNC said) and how it routes a dial. */
  location: () => Promise<HostLocation>
}

async function hubSpotPage(page: Page): Promise<HubSpotPage> {
  const sim = await simulatorOn(page)
  return { ...sim, location: () => page.evaluate(() => window.__host.location()) }
}

/**
 * A HubSpot tab in `context` (the agent's browser profile; tabs and the calling window share its
 * storage): the calling settings come from the switches (defaults: inbound, remote and calling window)
 * with `query` overrides (`usesRemote: '0'`, `usesCallingWindow: '0'`, `supportsInboundCalling: '0'`,
 * `dialTo: 'window'`, or any widget parameter). Resolves once its frame answered SYNC.
 */
export async function openHubSpotTab(context: BrowserContext, query: Record<string, string> = {}, config?: Record<string, unknown>): Promise<HubSpotPage> {
  await prepareContext(context, config)
  return hubSpotPage(await newHostPage(context, query))
}

/** `action` makes `tab` open a page (window.open): resolves to that page's handle once its frame is synced. */
export async function popupOf(tab: Simulator, action: () => Promise<unknown>): Promise<HubSpotPage> {
  const [popup] = await Promise.all([tab.page.waitForEvent('popup'), action()])
  return hubSpotPage(popup)
}

/** "Open another HubSpot tab" in `tab`: the new tab's handle (same query, same browser profile). */
export async function openAnotherTab(tab: Simulator): Promise<HubSpotPage> {
  return popupOf(tab, () => tab.page.getByRole('button', { name: 'Open another HubSpot tab', exact: true }).click())
}

/** "Open calling window" in `tab` (none may be open yet): the calling window's handle. */
export async function openCallingWindow(tab: Simulator): Promise<HubSpotPage> {
  return popupOf(tab, () => tab.page.getByRole('button', { name: 'Open calling window', exact: true }).click())
}

/** A dial from `tab` while no calling window is open: HubSpot opens the window; resolves to its handle. */
export async function dialOpeningCallingWindow(tab: Simulator, phoneNumber: string): Promise<HubSpotPage> {
  return popupOf(tab, async () => {
    if (!await tab.page.evaluate(n => window.__host.dial(n), phoneNumber))
      throw new Error('the host simulator could not send DIAL_NUMBER')
  })
}

/**
 * The simulator with `extension` signed in through the form and on the dialer, HubSpot answering at
 * once (`setReplyDelay(0)`): where most e2e files start.
 */
export async function openSignedIn(browser: Browser | BrowserContext, extension: string, query: Record<string, string> = {}): Promise<Simulator> {
  const sim = await openSimulator(browser, query)
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, extension)
  await sim.waitForMessage('LOGGED_IN')
  await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  return sim
}

/**
 * For a test file or describe: a browser from `launch` (default: the browser's real storage default)
 * with the simulator open and `extension` signed in (`openSignedIn`), closed after. Returns a getter,
 * since the simulator exists only once its `beforeAll` ran.
 */
export function signedInForTests(extension: string, launch: () => Promise<Browser | BrowserContext> = () => launchBrowser()): () => Simulator {
  let browser: Browser | BrowserContext | undefined
  let sim: Simulator | undefined
  beforeAll(async () => {
    browser = await launch()
    sim = await openSignedIn(browser, extension)
  })
  afterAll(async () => {
    await browser?.close()
  })
  return () => {
    if (!sim)
      throw new Error('signedInForTests: the simulator is not open yet (use it inside a test or a later beforeAll)')
    return sim
  }
}

/** Signs in through the softphone's own form, as an agent would. */
export async function signIn(sim: Simulator, extension = '1001', password = `test${extension}`): Promise<void> {
  await sim.widget.getByLabel('Extension', { exact: true }).fill(extension)
  await sim.widget.getByLabel('Password', { exact: true }).fill(password)
  await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).click()
}

export interface MediaReport {
  peerConnections: { connectionState: string, inboundPackets: number, inboundEnergy: number, outboundPackets: number }[]
  liveTracks: number
}

/** Reads the widget's peer connections' stats and the local tracks still live. */
export async function mediaReport(frame: Frame): Promise<MediaReport> {
  return frame.evaluate(async () => {
    const media = (window as unknown as { __media: { pcs: RTCPeerConnection[], streams: MediaStream[] } }).__media
    const peerConnections = []
    for (const pc of media.pcs) {
      let inboundPackets = 0
      let inboundEnergy = 0
      let outboundPackets = 0
      if (pc.connectionState !== 'closed') {
        const stats = await pc.getStats()
        stats.forEach((s: { type: string, kind?: string, packetsReceived?: number, totalAudioEnergy?: number, packetsSent?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            inboundPackets += s.packetsReceived ?? 0
            inboundEnergy += s.totalAudioEnergy ?? 0
          }
          if (s.type === 'outbound-rtp' && s.kind === 'audio')
            outboundPackets += s.packetsSent ?? 0
        })
      }
      peerConnections.push({ connectionState: pc.connectionState, inboundPackets, inboundEnergy, outboundPackets })
    }
    const liveTracks = media.streams.flatMap(s => s.getTracks()).filter(t => t.readyState === 'live').length
    return { peerConnections, liveTracks }
  })
}

/** Waits until the wrap-up is gone and the dialer is back (not merely a Call button somewhere). */
export async function backOnDialer(sim: Simulator): Promise<void> {
  await backOnDialerNamed(sim, 'Call ended', 'Dialer', 'Call')
}

/** `backOnDialer` in another language: the wrap-up's heading, the dialer's and its Call button's names. */
export async function backOnDialerNamed(sim: Simulator, wrapUpHeading: string, dialer: string, call: string): Promise<void> {
  await sim.widget.getByRole('heading', { name: wrapUpHeading, exact: true }).waitFor({ state: 'detached' })
  await sim.widget.getByRole('form', { name: dialer, exact: true }).getByRole('button', { name: call, exact: true }).waitFor()
}

/** Presses Save call on the wrap-up and waits for HubSpot's confirmation to bring the dialer back. */
export async function saveCall(sim: Simulator): Promise<void> {
  await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
  try {
    await backOnDialer(sim)
  }
  catch (error) {
    // Say what the wrap-up showed and what HubSpot last heard, not only that it timed out.
    const screen = await sim.widgetFrame().evaluate(() => document.body.innerText).catch(() => '?')
    const last = (await sim.log()).slice(-8).map(e => `${e.dir} ${e.type} ${JSON.stringify(e.data)}`).join('\n')
    throw new Error(`The wrap-up did not close after Save call.\nWidget:\n${screen}\nLast host messages:\n${last}`, { cause: error })
  }
}

/**
 * The README's screenshots are taken by the e2e run: into docs/ with
 * `UPDATE_SCREENSHOTS=1` (npm run screenshots), otherwise into the git-ignored
 * tests/e2e/.artifacts/, so an ordinary test run leaves the work tree clean.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true })
}

/** The softphone alone (its iframe in the simulator), for the README's screen-by-screen pictures. */
export async function widgetScreenshot(sim: Simulator, name: string): Promise<void> {
  await sim.page.locator('iframe#hubspot-calling-extension-iframe').screenshot({ path: screenshotPath(name), animations: 'disabled', caret: 'hide' })
}

/** `name` may hold a folder (`screens/de/dialer`); it is made when missing. */
function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'tests/e2e/.artifacts'
  const path = `${dir}/${name}.png`
  mkdirSync(dirname(path), { recursive: true })
  return path
}
