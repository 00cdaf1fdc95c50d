/**
 * A widget URL with a broken configuration: the agent sees which setting is
 * wrong (never a blank page) and HubSpot is told, so its call switcher does
 * not wait forever.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openSimulator } from './browser'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

describe('configuration problems', () => {
  it('shows the setup screen naming the bad field, and answers HubSpot with initialized + sendError', async () => {
    const sim = await openSimulator(browser, { pbxUrl: 'ftp://pbx.example.com/ws' })
    await sim.widget.getByRole('heading', { name: 'The softphone needs setting up', exact: true }).waitFor()
    await expect.poll(async () => (await sim.widget.getByRole('alert').textContent()) ?? '').toContain('pbxUrl')
    // The dev server serves dev/config.json; the widget URL's query overrode pbxUrl: the screen says so.
    expect(await sim.widget.getByTestId('config-sources').textContent()).toBe('Settings read from config.json, overridden by the widget URL\'s query (pbxUrl).')
    const error = await sim.waitForMessage('ERROR')
    const types = (await sim.received()).map(e => e.type).filter(t => t !== 'RESIZE_WIDGET')
    expect(types).toEqual(['INITIALIZED', 'ERROR'])
    expect((await sim.received())[0]?.data).toEqual({ isLoggedIn: false })
    expect((error.data as { message: string }).message).toMatch(/not configured.*pbxUrl/)
    await sim.page.context().close()
  })
})
