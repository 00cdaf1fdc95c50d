/**
 * HubSpot slow to load (`?holdSync=1`: the simulated HubSpot sends no SYNC until released): the
 * agent signs in and a call from 1006 rings, is answered and ends through the real Asterisk
 * before HubSpot's handshake. The SDK would have dropped every message sent before SYNC; the
 * widget holds them and HubSpot hears the whole call, in order, right after INITIALIZED.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, saveCall, signIn } from './browser'

const AGENT = '1002'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

describe('a call before HubSpot\'s SYNC', () => {
  it('rings, is answered and ends before the handshake; after it HubSpot gets INITIALIZED then the whole call, in order', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.on('pageerror', error => console.error('[page error]', error))
    const url = new URL('/dev/host/', inject('baseUrl'))
    url.searchParams.set('iframeLocation', 'remote')
    url.searchParams.set('holdSync', '1')
    await page.goto(url.toString())
    await page.waitForFunction(() => typeof window.__host !== 'undefined')
    await page.evaluate(() => window.__host.setReplyDelay(0))
    const widget = page.frameLocator('iframe#hubspot-calling-extension-iframe')
    const inbound = async (): Promise<HostLogEntry[]> => page.evaluate(() => window.__hostLog.filter(e => e.dir === 'in' && e.type !== 'RESIZE_WIDGET').map(e => ({ ...e })))

    await signIn({ widget } as Simulator, AGENT)
    await widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    await page.evaluate(a => window.__host.callAgent('1006', a), AGENT)
    await widget.getByRole('button', { name: 'Answer', exact: true }).click()
    await widget.getByTestId('call-state').getByText('Connected', { exact: true }).waitFor()
    await page.evaluate(() => window.__host.callerHangup())
    await widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await page.evaluate(() => window.__host.isReady())).toBe(false)
    expect(await inbound()).toEqual([])

    await page.evaluate(() => window.__host.releaseSync())
    await page.waitForFunction(() => window.__hostLog.some(e => e.dir === 'in' && e.type === 'CALL_ENDED'), undefined, { timeout: 15_000 })
    const received = await inbound()
    expect(received.map(e => e.type)).toEqual(['SYNC_ACK', 'INITIALIZED', 'LOGGED_IN', 'INCOMING_CALL', 'CALL_ANSWERED', 'CALL_ENDED'])
    expect(received[1]?.data).toMatchObject({ isLoggedIn: true })
    const callId = (received[3]?.data as { externalCallId: string }).externalCallId
    expect(received[3]?.data).toMatchObject({ fromNumber: '1006', toNumber: AGENT })
    expect(received[4]?.data).toMatchObject({ externalCallId: callId })
    expect(received[5]?.data).toMatchObject({ externalCallId: callId, callEndStatus: 'COMPLETED' })
    expect(received.every(e => e.note === undefined)).toBe(true)

    // HubSpot created the engagement from INCOMING_CALL; the save then lands on it.
    await page.waitForFunction(() => window.__hostLog.some(e => e.dir === 'out' && e.type === 'CREATE_ENGAGEMENT_SUCCEEDED'))
    await saveCall({ widget } as Simulator)
    const completed = (await inbound()).filter(e => e.type === 'CALL_COMPLETED')
    expect(completed).toHaveLength(1)
    expect(completed[0]?.data).toMatchObject({ externalCallId: callId, engagementId: expect.any(Number) })
    await context.close()
  })
})
