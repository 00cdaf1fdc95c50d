/**
 * The call history end to end (agent 1010, the real Asterisk, the real SDK on both sides): an echo
 * call, a busy call and an inbound call the agent misses are listed newest first with their results,
 * keyed by the SIP Call-ID HubSpot heard; the missed count shows on the dialer until the history is
 * seen; Redial places the call through Asterisk; a second HubSpot tab of the same browser profile
 * shows the same history and follows the first without duplicates; a reload keeps it.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialedNumbersSince, logMarker, TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { launchBrowser, openSignedIn, openSimulator, saveCall, signIn, widgetScreenshot } from './browser'

const AGENT = '1010'

const button = (sim: Simulator, name: string) => sim.widget.getByRole('button', { name, exact: true })
const callEnded = (sim: Simulator) => sim.widget.getByRole('heading', { name: 'Call ended', exact: true })
const historyList = (sim: Simulator) => sim.widget.getByTestId('call-history').locator('li')

/** The history as listed: [Call-ID, result, visible text of the result]. */
async function listed(sim: Simulator): Promise<[string, string, string][]> {
  return historyList(sim).evaluateAll(items => items.map(li => [
    li.getAttribute('data-call-id') ?? '',
    li.getAttribute('data-result') ?? '',
    li.querySelector('.history__result')?.textContent?.trim() ?? '',
  ] as [string, string, string]))
}

async function openHistory(sim: Simulator): Promise<void> {
  await sim.widget.getByTestId('open-history').click()
  await sim.widget.getByRole('heading', { name: 'Call history', exact: true }).waitFor()
}

async function externalCallIds(sim: Simulator, type: 'OUTGOING_CALL_STARTED' | 'INCOMING_CALL'): Promise<string[]> {
  return (await sim.received()).filter(e => e.type === type).map(e => (e.data as { externalCallId: string }).externalCallId)
}

describe('call history', () => {
  // HubSpot's calling remote (the widget location refuses inbound calls).
  let browser: Browser | undefined
  let sim: Simulator | undefined
  beforeAll(async () => {
    browser = await launchBrowser()
    sim = await openSignedIn(browser, AGENT, { iframeLocation: 'remote' })
  })
  afterAll(async () => {
    await browser?.close()
  })
  const current = (): Simulator => sim!

  it('lists an echo call, a busy call and a missed call newest first; the missed count clears once seen', async () => {
    const sim = current()
    await sim.dial(TEST_NUMBERS.echo.short)
    await sim.widget.getByTestId('call-state').filter({ hasText: /^Connected$/ }).waitFor()
    await button(sim, 'Hang up').click()
    await callEnded(sim).waitFor()
    await saveCall(sim)

    await sim.dial(TEST_NUMBERS.busy.short)
    await callEnded(sim).waitFor()
    await saveCall(sim)

    await sim.page.evaluate(([from, agent]) => window.__host.callAgent(from, agent), ['1006', AGENT] as const)
    await button(sim, 'Answer').waitFor()
    // HubSpot's caller-id match has named the caller before the caller gives up.
    await sim.widget.getByRole('heading', { name: 'Ada Lovelace', exact: true }).waitFor()
    await sim.page.evaluate(() => window.__host.callerHangup())
    await callEnded(sim).waitFor()
    await saveCall(sim)

    await expect.poll(() => sim.widget.getByTestId('missed-count').textContent()).toBe('1 missed')
    const [echoId, busyId] = await externalCallIds(sim, 'OUTGOING_CALL_STARTED')
    const [missedId] = await externalCallIds(sim, 'INCOMING_CALL')
    await openHistory(sim)
    expect(await listed(sim)).toEqual([
      [missedId, 'missed', 'Missed'],
      [busyId, 'not-connected', 'Busy'],
      [echoId, 'answered', 'Answered'],
    ])
    // HubSpot's match names the caller; the outcome saved with the wrap-up is listed.
    await expect.poll(() => historyList(sim).first().textContent()).toContain('Ada Lovelace')
    await expect.poll(() => historyList(sim).last().textContent()).toContain('Outcome: Connected')
    // The history scrolls inside the widget's registered 600 px.
    const heights = (await sim.received()).filter(e => e.type === 'RESIZE_WIDGET').map(e => (e.data as { height: number }).height)
    expect(Math.max(...heights)).toBeLessThanOrEqual(600)
    await widgetScreenshot(sim, 'history')

    await button(sim, 'Back to dialer').click()
    await sim.widget.getByTestId('open-history').waitFor()
    expect(await sim.widget.getByTestId('missed-count').count()).toBe(0)
  })

  it('a second HubSpot tab of the same profile shows the same history; Redial there reaches Asterisk; both tabs follow without duplicates', async () => {
    const sim = current()
    const other = await openSimulator(sim.page.context(), { iframeLocation: 'remote' })
    try {
      await other.page.evaluate(() => window.__host.setReplyDelay(0))
      // Already the agent's phone: the tabs of one profile share it (src/frames/).
      await other.waitForMessage('LOGGED_IN')
      await openHistory(other)
      await openHistory(sim)
      const before = await listed(sim)
      expect(await listed(other)).toEqual(before)

      const mark = await logMarker()
      await historyList(other).nth(1).getByRole('button', { name: /^Redial / }).click() // the busy call
      await callEnded(other).waitFor()
      expect(await dialedNumbersSince(mark, AGENT)).toEqual([TEST_NUMBERS.busy.short])
      await saveCall(other)
      const [redialId] = await externalCallIds(other, 'OUTGOING_CALL_STARTED')
      await openHistory(other)
      const after = [[redialId!, 'not-connected', 'Busy'], ...before]
      await expect.poll(() => listed(other)).toEqual(after)
      // The first tab showed the call too (one phone, src/frames/), then its wrap-up closed with the
      // save; its history has the call once.
      await callEnded(sim).waitFor({ state: 'detached' })
      if (await sim.widget.getByTestId('open-history').isVisible())
        await openHistory(sim)
      await expect.poll(() => listed(sim)).toEqual(after)
    }
    finally {
      await other.page.close()
    }
  })

  it('a reload keeps the history (the agent signs in again)', async () => {
    const sim = current()
    // Still open from the test before.
    const before = await listed(sim)
    await sim.page.reload()
    await sim.page.waitForFunction(() => window.__host?.isReady())
    await sim.page.evaluate(() => window.__host.setReplyDelay(0))
    await signIn(sim, AGENT)
    await sim.waitForMessage('LOGGED_IN')
    await openHistory(sim)
    expect(await listed(sim)).toEqual(before)
    expect(before).toHaveLength(4)
  })
})

describe('call history where the browser denies HubSpot\'s iframe its storage (partitioned cookies only)', () => {
  let browser: Browser | undefined
  let sim: Simulator | undefined
  beforeAll(async () => {
    browser = await launchBrowser({ storage: 'denied' })
    sim = await openSignedIn(browser, AGENT, { iframeLocation: 'remote' })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('lists the call, says it will not survive a reload, and leaves the cookie budget to the wrap-up drafts', async () => {
    const s = sim!
    expect(await s.widgetFrame().evaluate(() => document.documentElement.dataset.storage)).toBe('cookie')
    await s.dial(TEST_NUMBERS.busy.short)
    await callEnded(s).waitFor()
    await saveCall(s)
    await openHistory(s)
    expect((await listed(s)).map(([, result, text]) => [result, text])).toEqual([['not-connected', 'Busy']])
    expect(await s.widget.getByTestId('history-kept').textContent()).toBe(
      'This browser gives the softphone only a little storage here, kept for your unsaved call notes: this history will not survive a reload.',
    )
    expect(await s.widgetFrame().evaluate(() => document.cookie)).not.toContain('history')
  })
})
