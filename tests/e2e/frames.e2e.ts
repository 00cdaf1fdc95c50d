/**
 * One phone per agent across HubSpot's frames (the calling remote of every HubSpot tab and the
 * calling window), against the real Asterisk, in one browser profile of the real Chromium.
 */
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pbxCli } from '../../pbx/control'
import type { Simulator } from './browser'
import { launchBrowser, openSimulator, signIn } from './browser'

const AGENT = '1001'

/** The agent's contacts at the PBX (`pjsip show contacts`). */
async function contacts(extension: string): Promise<string[]> {
  const out = await pbxCli('pjsip show contacts')
  return [...out.matchAll(new RegExp(`^\\s*Contact:\\s+${extension}/(\\S+)`, 'gm'))].map(m => m[1] ?? '')
}
const role = (sim: Simulator): Promise<string | undefined> => sim.widgetFrame().evaluate(() => document.documentElement.dataset.phone)
const count = async (sim: Simulator, type: string): Promise<number> => (await sim.received()).filter(e => e.type === type).length

describe('two HubSpot tabs and the calling window', () => {
  let context: BrowserContext
  let tab1: Simulator
  let tab2: Simulator
  let win: Simulator
  beforeAll(async () => {
    const browser = await launchBrowser()
    context = await browser.newContext()
    context.on('console', m => m.text().includes('[frames]') && console.log('[console]', m.text()))
    tab1 = await openSimulator(context, { iframeLocation: 'remote', debug: '1' })
    await tab1.page.evaluate(() => window.__host.setReplyDelay(0))
    tab2 = await openSimulator(context, { iframeLocation: 'remote', debug: '1' })
    await tab2.page.evaluate(() => window.__host.setReplyDelay(0))
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
    await tab1.waitForMessage('LOGGED_IN')
    await tab2.waitForMessage('LOGGED_IN')
  })

  it('the calling window takes the phone over and holds the one registration', async () => {
    win = await openSimulator(context, { iframeLocation: 'window', debug: '1' })
    await win.page.evaluate(() => window.__host.setReplyDelay(0))
    await expect.poll(() => role(win), { timeout: 10_000 }).toBe('owner')
    await new Promise(r => setTimeout(r, 3000))
    console.log('WIN TEXT', await win.widgetFrame().evaluate(() => document.body.innerText))
    await win.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await win.waitForMessage('LOGGED_IN')
    expect(await contacts(AGENT)).toHaveLength(1)
    expect(await role(tab1)).toBe('mirror')
    expect(await role(tab2)).toBe('mirror')
  })

  it('a dial from tab 2 is one INVITE, the call lives in the window, tab 2 mirrors it, HubSpot hears it once', async () => {
    await tab2.dial('600')
    await win.waitForMessage('CALL_ANSWERED')
    await tab2.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    await tab1.widget.getByRole('button', { name: 'Hang up', exact: true }).waitFor()
    expect(await count(win, 'OUTGOING_CALL_STARTED')).toBe(1)
    expect(await count(tab2, 'OUTGOING_CALL_STARTED')).toBe(0)
    expect(await count(tab1, 'CALL_ANSWERED')).toBe(0)
    await tab1.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await win.waitForMessage('CALL_ENDED')
    await tab2.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await tab2.widget.getByLabel(/^Notes/).fill('Typed in tab 2')
    await expect.poll(() => win.widget.getByLabel(/^Notes/).inputValue()).toBe('Typed in tab 2')
    await tab2.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await win.waitForMessage('CALL_COMPLETED')
    expect((completed.data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body).toBe('Typed in tab 2')
    await tab1.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await count(tab2, 'CALL_COMPLETED')).toBe(0)
    expect(await count(win, 'CALL_ENDED')).toBe(1)
  })
})
