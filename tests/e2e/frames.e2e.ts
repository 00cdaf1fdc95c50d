/**
 * One phone per agent across HubSpot's frames (the calling remote of every HubSpot tab and the
 * calling window), against the real Asterisk, in one browser profile of the real Chromium.
 */
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentAnswersSince, logMarker, pbxCli } from '../../pbx/control'
import type { HubSpotPage, Simulator } from './browser'
import { dialOpeningCallingWindow, launchBrowser, openAnotherTab, openCallingWindow, openHubSpotTab, signIn } from './browser'

const AGENT = '1001'

/** The agent's contacts at the PBX (`pjsip show contacts`). */
async function contacts(extension: string): Promise<string[]> {
  const out = await pbxCli('pjsip show contacts')
  return [...out.matchAll(new RegExp(`^\\s*Contact:\\s+${extension}/(\\S+)`, 'gm'))].map(m => m[1] ?? '')
}
const role = (sim: Simulator): Promise<string | undefined> => sim.widgetFrame().evaluate(() => document.documentElement.dataset.phone)
const callAgent = (sim: Simulator): Promise<void> =>
  sim.page.evaluate(agent => window.__host.callAgent('1006', agent), AGENT)
/** The call timer's seconds (`m:ss`). */
async function timer(sim: Simulator): Promise<number> {
  const [minutes, seconds] = (await sim.widget.getByRole('timer').innerText()).split(':').map(Number)
  return (minutes ?? 0) * 60 + (seconds ?? 0)
}
const count = async (sim: Simulator, type: string): Promise<number> => (await sim.received()).filter(e => e.type === type).length
/** An init script: every screen each new widget shows, in order (its heading), from its first paint, in `window.__headings`. */
function recordHeadings(): void {
  const page = window as unknown as { __headings?: string[] }
  if (page.__headings)
    return
  const headings: string[] = []
  page.__headings = headings
  new MutationObserver(() => {
    const heading = document.querySelector('#app h1')?.textContent?.trim() ?? ''
    if (heading !== '' && headings.at(-1) !== heading)
      headings.push(heading)
  }).observe(document, { childList: true, subtree: true, characterData: true })
}
const headingsOf = (sim: HubSpotPage): Promise<string[]> => sim.widgetFrame().evaluate(() => (window as unknown as { __headings: string[] }).__headings)

/** For a describe: two HubSpot tabs (calling remotes, no calling window) in one browser profile, HubSpot answering at once. */
function twoTabsWithoutWindow(launch: () => Promise<Browser>, opened: (tab1: Simulator, tab2: Simulator) => void): void {
  let context: BrowserContext | undefined
  beforeAll(async () => {
    context = await (await launch()).newContext()
    const tabs = [await openHubSpotTab(context, { usesCallingWindow: '0' }), await openHubSpotTab(context, { usesCallingWindow: '0' })]
    for (const sim of tabs)
      await sim.page.evaluate(() => window.__host.setReplyDelay(0))
    opened(tabs[0]!, tabs[1]!)
  })
  afterAll(async () => {
    await context?.browser()?.close()
  })
}

describe('two HubSpot tabs and the calling window', () => {
  let context: BrowserContext
  let tab1: Simulator
  let tab2: HubSpotPage
  let win: Simulator
  beforeAll(async () => {
    const browser = await launchBrowser()
    context = await browser.newContext()
    // HubSpot's layout with the simulator's defaults: inbound calling, the remote, the calling window.
    tab1 = await openHubSpotTab(context)
    tab2 = await openAnotherTab(tab1)
    for (const sim of [tab1, tab2])
      await sim.page.evaluate(() => window.__host.setReplyDelay(0))
    expect((await tab2.location()).iframeLocation).toBe('remote')
  })
  afterAll(async () => {
    await context?.browser()?.close()
  })

  it('one sign-in signs in every frame, with one registration', async () => {
    await signIn(tab2, AGENT)
    await tab1.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await contacts(AGENT)).toHaveLength(1)
    expect([await role(tab1), await role(tab2)].sort()).toEqual(['mirror', 'owner'])
    // The browser's own default (storage partitioned): the frames elect by Web Lock.
    expect(await tab1.widgetFrame().evaluate(() => document.documentElement.dataset.election)).toBe('web-locks')
    await tab1.waitForMessage('LOGGED_IN')
    await tab2.waitForMessage('LOGGED_IN')
  })

  it('the first call, dialed in a tab, opens the calling window (HubSpot\'s way): the window\'s HubSpot hears it, the tab\'s nothing', async () => {
    // Dialed in the tab that does not hold the phone: the window hears of the call from a frame that
    // neither dialed it nor holds it, and must still hear it start before it hears it answered.
    const [mirror, holder] = await role(tab1) === 'mirror' ? [tab1, tab2] : [tab2, tab1]
    const opened = await dialOpeningCallingWindow(mirror, '600')
    win = opened
    expect(await opened.location()).toMatchObject({ iframeLocation: 'window', usesCallingWindow: true })
    await win.waitForMessage('CALL_ANSWERED')
    expect((await win.received()).map(e => e.type).filter(t => t === 'OUTGOING_CALL_STARTED' || t === 'CALL_ANSWERED'))
      .toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED'])
    // The call stays in the tab's phone (a call never moves); the tabs tell their HubSpot nothing.
    await holder.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await win.waitForMessage('CALL_ENDED')
    await win.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await win.waitForMessage('CALL_COMPLETED')
    for (const sim of [tab1, tab2])
      expect((await sim.received()).map(e => e.type).filter(t => t.startsWith('CALL') || t.startsWith('OUTGOING'))).toEqual([])
  })

  it('the calling window takes the phone over and holds the one registration', async () => {
    await win.page.evaluate(() => window.__host.setReplyDelay(0))
    await expect.poll(() => role(win), { timeout: 10_000 }).toBe('owner')
    await win.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await win.waitForMessage('LOGGED_IN')
    expect(await contacts(AGENT)).toHaveLength(1)
    expect(await role(tab1)).toBe('mirror')
    expect(await role(tab2)).toBe('mirror')
  })

  it('a dial from tab 2 is one INVITE, the call lives in the window, tab 2 mirrors it, HubSpot hears it once', async () => {
    await tab2.dial('600')
    await win.waitForMessage('CALL_ANSWERED', 2)
    await tab2.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    await tab1.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    expect(await count(win, 'OUTGOING_CALL_STARTED')).toBe(2)
    expect(await count(tab2, 'OUTGOING_CALL_STARTED')).toBe(0)
    expect(await count(tab1, 'CALL_ANSWERED')).toBe(0)
    await tab1.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await win.waitForMessage('CALL_ENDED', 2)
    await tab2.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await tab2.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Typed in tab 2')
    await expect.poll(() => win.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Typed in tab 2')
    await tab2.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await win.waitForMessage('CALL_COMPLETED', 2)
    expect((completed.data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body).toBe('Typed in tab 2')
    await tab1.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await count(tab2, 'CALL_COMPLETED')).toBe(0)
    expect(await count(win, 'CALL_ENDED')).toBe(2)
  })

  it('an inbound call rings in every frame; Answer in tab 1 is one 200 OK and one INCOMING_CALL', async () => {
    const marker = await logMarker()
    await callAgent(tab1)
    for (const sim of [tab1, tab2, win])
      await sim.widget.getByRole('button', { name: 'Answer', exact: true }).waitFor()
    expect(await tab2.widget.getByRole('heading', { name: 'Ada Lovelace', exact: true }).count()).toBe(1)
    await tab1.widget.getByRole('button', { name: 'Answer', exact: true }).click()
    await win.waitForMessage('CALL_ANSWERED', 3)
    for (const sim of [tab1, tab2, win])
      await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    expect(await agentAnswersSince(marker, AGENT)).toEqual([200])
    expect(await count(win, 'INCOMING_CALL')).toBe(1)
    expect(await count(tab1, 'INCOMING_CALL') + await count(tab2, 'INCOMING_CALL')).toBe(0)
    expect(await contacts(AGENT)).toHaveLength(1)
  })

  it('tab 2 reloaded mid-call mirrors the call again, with the same timer', async () => {
    // Long enough that a timer restarted by the reload could not pass for the call's.
    await expect.poll(() => timer(win), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    await tab2.page.reload()
    await tab2.page.waitForFunction(() => window.__host?.isReady())
    await tab2.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    // Read one after the other, the two may straddle a tick.
    const [here, there] = [await timer(win), await timer(tab2)]
    expect(Math.abs(there - here)).toBeLessThanOrEqual(1)
    expect(there).toBeGreaterThanOrEqual(3)
    expect(await count(tab2, 'INCOMING_CALL') + await count(tab2, 'CALL_ANSWERED')).toBe(0)
    // Still one call, controlled from the reloaded tab.
    await tab2.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await win.waitForMessage('CALL_ENDED', 3)
    await win.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await win.waitForMessage('CALL_COMPLETED', 3)
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  })

  it('the calling window closed while idle: another frame registers within 5 s, nobody signs in again', async () => {
    await win.page.close()
    const closedAt = Date.now()
    await expect.poll(async () => [await role(tab1), await role(tab2)].includes('owner'), { timeout: 5000, interval: 100 }).toBe(true)
    await expect.poll(() => contacts(AGENT), { timeout: 5000, interval: 100 }).toHaveLength(1)
    const owner = await role(tab1) === 'owner' ? tab1 : tab2
    await expect.poll(() => owner.widget.locator('.status-bar__state').innerText(), { timeout: 5000 - (Date.now() - closedAt), interval: 100 }).toBe('Registered')
    expect(Date.now() - closedAt).toBeLessThan(5000)
    await tab1.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  })

  it('a HubSpot tab opened while the agent is signed in shows the dialer from its first screen, never the sign-in form', async () => {
    await context.addInitScript(recordHeadings)
    const tab3 = await openAnotherTab(tab1)
    try {
      await expect.poll(() => headingsOf(tab3), { interval: 5 }).toContain('Make a call')
      expect(await headingsOf(tab3)).toEqual(['Make a call'])
    }
    finally {
      // Closed whatever the outcome: a tab left open would hold or take the phone in the next steps.
      await tab3.page.close()
    }
  })

  it('a calling window opened while idle takes the phone with no sign-in form shown anywhere: a number typed meanwhile stays', async () => {
    await context.addInitScript(recordHeadings)
    const opened = await openCallingWindow(tab1)
    try {
      const headings = (): Promise<string[]> => headingsOf(opened)
      await expect.poll(headings, { interval: 5 }).toContain('Make a call')
      // The agent starts typing in the window's dialer and in a tab's, as the phone moves to the window.
      await opened.widget.getByLabel('Phone number', { exact: true }).fill('600')
      await tab2.widget.getByLabel('Phone number', { exact: true }).fill('601')
      await expect.poll(() => role(opened), { timeout: 10_000 }).toBe('owner')
      await opened.waitForMessage('LOGGED_IN')
      await expect.poll(() => contacts(AGENT), { timeout: 5000 }).toHaveLength(1)
      const shown = await headings()
      expect(shown).toEqual(['Make a call'])
      expect(await opened.widget.getByLabel('Phone number', { exact: true }).inputValue()).toBe('600')
      expect(await tab2.widget.getByLabel('Phone number', { exact: true }).inputValue()).toBe('601')
    }
    finally {
      // Closed whatever the outcome: a calling window left open would hold the phone in the next steps.
      await opened.page.close()
    }
    await expect.poll(async () => [await role(tab1), await role(tab2)].includes('owner'), { timeout: 5000 }).toBe(true)
    await expect.poll(() => contacts(AGENT), { timeout: 5000 }).toHaveLength(1)
  })

  it('a call dialed the moment a new calling window takes the phone is placed; the window closed mid-call: every frame leaves the call, and the tab that takes the phone tells HubSpot it ended', async () => {
    const again = await openCallingWindow(tab1)
    await again.page.evaluate(() => window.__host.setReplyDelay(0))
    await again.page.waitForFunction(() => window.__host?.isReady())
    // Dialed the moment the window holds the phone, its REGISTER still on the wire (the window's
    // dialer showed the agent signed in all along): the call waits for it, and is placed.
    await expect.poll(() => role(again), { timeout: 10_000, interval: 5 }).toBe('owner')
    expect(await again.page.evaluate(n => window.__host.dial(n), '600')).toBe(true)
    await again.waitForMessage('CALL_ANSWERED')
    const ended = [await count(tab1, 'CALL_ENDED'), await count(tab2, 'CALL_ENDED')]
    await again.page.close()
    for (const sim of [tab1, tab2]) {
      await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
      expect(await sim.widget.getByTestId('end-reason').textContent()).toBe('The HubSpot window that held the call was closed.')
    }
    const owner = await role(tab1) === 'owner' ? 0 : 1
    await expect.poll(async () => [await count(tab1, 'CALL_ENDED'), await count(tab2, 'CALL_ENDED')])
      .toEqual(ended.map((n, i) => i === owner ? n + 1 : n))
    await expect.poll(() => contacts(AGENT), { timeout: 5000 }).toHaveLength(1)
  })
})

describe('two HubSpot tabs without a calling window (usesCallingWindow false)', () => {
  let tab1: Simulator
  let tab2: Simulator
  twoTabsWithoutWindow(launchBrowser, (one, two) => {
    tab1 = one
    tab2 = two
  })

  it('one registration; a call from tab 2 is reported by tab 2 whichever frame holds the phone', async () => {
    await signIn(tab1, AGENT)
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await contacts(AGENT)).toHaveLength(1)
    await tab2.dial('600')
    await tab2.waitForMessage('CALL_ANSWERED')
    await tab1.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await tab2.waitForMessage('CALL_ENDED')
    await tab1.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await tab2.waitForMessage('CALL_COMPLETED')
    expect((await tab1.received()).map(e => e.type).filter(t => t.startsWith('CALL') || t.startsWith('OUTGOING'))).toEqual([])
    expect(await count(tab2, 'OUTGOING_CALL_STARTED')).toBe(1)
  })

  it('the tab that reports a call reloads mid-call and mid-wrap-up: HubSpot still hears the end and the save, once, and no keystroke is lost', async () => {
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    const endedBefore = await count(tab1, 'CALL_ENDED')
    await tab2.dial('600')
    await tab2.waitForMessage('CALL_ANSWERED', 2)
    await tab2.page.reload()
    await tab2.page.waitForFunction(() => window.__host?.isReady())
    await tab2.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    // The reporter's page is gone (a reload is a new page): the owner's tab tells HubSpot how the call ended.
    await expect.poll(() => count(tab1, 'CALL_ENDED'), { timeout: 10_000 }).toBe(endedBefore + 1)
    expect(await count(tab2, 'CALL_ENDED')).toBe(0)
    await tab2.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Typed before')
    await expect.poll(() => tab1.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Typed before')
    await tab2.page.reload()
    await tab2.page.waitForFunction(() => window.__host?.isReady())
    await tab2.widget.getByRole('textbox', { name: 'Notes', exact: true }).press('End')
    await tab2.widget.getByRole('textbox', { name: 'Notes', exact: true }).pressSequentially(' and after')
    await expect.poll(() => tab1.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Typed before and after')
    const completedBefore = await count(tab1, 'CALL_COMPLETED') + await count(tab2, 'CALL_COMPLETED')
    await tab2.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await tab1.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await count(tab1, 'CALL_COMPLETED') + await count(tab2, 'CALL_COMPLETED')).toBe(completedBefore + 1)
  })

  it('Do not disturb chosen in one tab is the phone\'s: every tab shows it and tells its HubSpot', async () => {
    await tab2.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await tab1.widget.getByLabel('Availability', { exact: true }).selectOption('dnd')
    await expect.poll(() => tab2.widget.locator('.status-bar__state').innerText()).toBe('Do not disturb')
    await tab1.waitForMessage('USER_UNAVAILABLE')
    await tab2.waitForMessage('USER_UNAVAILABLE')
    await tab2.widget.getByLabel('Availability', { exact: true }).selectOption('available')
    await expect.poll(() => tab1.widget.locator('.status-bar__state').innerText()).toBe('Registered')
    await tab1.waitForMessage('USER_AVAILABLE')
  })

  it('signing out in one tab signs every tab out, and the PBX holds no contact', async () => {
    await tab2.widget.getByRole('button', { name: 'Sign out', exact: true }).click()
    await tab1.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    await tab1.waitForMessage('LOGGED_OUT')
    await tab2.waitForMessage('LOGGED_OUT')
    await expect.poll(() => contacts(AGENT)).toHaveLength(0)
  })
})

describe('in a browser that denies HubSpot\'s iframe Web Locks and storage (third-party cookies blocked)', () => {
  let tab1: Simulator
  let tab2: Simulator
  twoTabsWithoutWindow(() => launchBrowser({ storage: 'denied' }), (one, two) => {
    tab1 = one
    tab2 = two
  })

  it('the frames elect the owner over their channel: one registration, a call from the mirror, notes followed', async () => {
    expect(await tab1.widgetFrame().evaluate(() => document.documentElement.dataset.election)).toBe('lease')
    await expect.poll(async () => [await role(tab1), await role(tab2)].sort(), { timeout: 10_000, interval: 200 }).toEqual(['mirror', 'owner'])
    const mirror = await role(tab1) === 'mirror' ? tab1 : tab2
    const owner = mirror === tab1 ? tab2 : tab1
    await signIn(mirror, AGENT)
    await owner.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await contacts(AGENT)).toHaveLength(1)
    await mirror.dial('600')
    await mirror.waitForMessage('CALL_ANSWERED')
    await owner.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await mirror.waitForMessage('CALL_ENDED')
    await owner.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Typed in the owner')
    await expect.poll(() => mirror.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Typed in the owner')
    await mirror.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await mirror.waitForMessage('CALL_COMPLETED')
    expect((completed.data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body).toBe('Typed in the owner')
    expect(await count(owner, 'CALL_COMPLETED') + await count(owner, 'OUTGOING_CALL_STARTED')).toBe(0)
  })
})
