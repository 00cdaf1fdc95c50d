/**
 * WCAG 2.2 AA on every screen of the softphone, checked by axe-core in the real Chromium against
 * the real Asterisk (agent 1009): sign-in, dialer (and Do not disturb, audio devices), ringing
 * out, in call, held, keypad, transfer, the wrap-up (with HubSpot's save error, "no record" and
 * the close confirmation), inbound ringing and answered, the dialer with missed calls, the call
 * history, the desktop-notification setting, and the setup screen. Any violation
 * fails the run with the rule, the element and what is wrong. Along the way: what the agent can
 * see (Do not disturb, the open keypad, the caller's name once answered, the focus on "Call
 * ended") and the widget keeping within the height registered with HubSpot.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { TEST_NUMBERS } from '../../pbx/control'
import { axeViolations, describeViolations } from './axe'
import type { Simulator } from './browser'
import { backOnDialer, launchBrowser, openSimulator, saveCall, signIn, widgetScreenshot } from './browser'

const AGENT = '1009'
/** The height the README registers with HubSpot (`--height 600`). */
const REGISTERED_HEIGHT = 600

let browser: Browser
let sim: Simulator

/** Checks the screen now shown; a violation is reported with the screen's name, the run goes on. */
async function checkScreen(name: string): Promise<void> {
  const violations = await axeViolations(sim.widgetFrame())
  expect.soft(describeViolations(name, violations), `axe-core on the ${name} screen`).toBe('')
}

const callState = (text: string) => sim.widget.getByTestId('call-state').filter({ hasText: new RegExp(`^${text}$`) })
const button = (name: string) => sim.widget.getByRole('button', { name, exact: true })
const callEnded = () => sim.widget.getByRole('heading', { name: 'Call ended', exact: true })

/** Hang up is in view, not scrolled out of the widget's registered height. */
async function hangUpInView(): Promise<void> {
  const [bottom, viewport] = await button('Hang up').evaluate(b => [b.getBoundingClientRect().bottom, b.closest('.softphone')!.getBoundingClientRect().bottom])
  expect(bottom).toBeLessThanOrEqual(viewport!)
}

/** Every height the widget asked HubSpot for so far. */
async function requestedHeights(): Promise<number[]> {
  return (await sim.received()).filter(e => e.type === 'RESIZE_WIDGET').map(e => (e.data as { height: number }).height)
}

beforeAll(async () => {
  browser = await launchBrowser()
  sim = await openSimulator(browser, { iframeLocation: 'remote' })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
})

afterAll(async () => {
  await browser?.close()
})

describe('every screen passes axe-core (WCAG 2.2 AA and best practices)', () => {
  it('sign-in, dialer, Do not disturb, audio devices', async () => {
    await button('Sign in').waitFor()
    await checkScreen('sign-in')

    await signIn(sim, AGENT)
    await sim.waitForMessage('LOGGED_IN')
    await sim.widget.getByRole('form', { name: 'Dialer', exact: true }).waitFor()
    await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor()
    await checkScreen('dialer')

    // Do not disturb reads in the status bar, not as a green "Registered".
    await sim.widget.getByRole('combobox', { name: 'Availability', exact: true }).selectOption('dnd')
    await sim.widget.getByRole('status').filter({ hasText: /^Do not disturb$/ }).waitFor()
    expect(await sim.widget.locator('.status-dot').getAttribute('class')).toContain('status-dot--dnd')
    await checkScreen('dialer, do not disturb')
    await sim.widget.getByRole('combobox', { name: 'Availability', exact: true }).selectOption('available')
    await sim.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor()

    await sim.widget.getByText('Audio devices', { exact: true }).click()
    await sim.widget.getByRole('button', { name: 'Test microphone', exact: true }).waitFor()
    await checkScreen('audio devices')
    await widgetScreenshot(sim, 'incall-devices')
    expect(Math.max(...await requestedHeights())).toBeLessThanOrEqual(REGISTERED_HEIGHT)
    await sim.widget.getByText('Audio devices', { exact: true }).click()
  })

  it('ringing out, then the wrap-up with HubSpot\'s save error', async () => {
    await sim.dial(TEST_NUMBERS.noAnswer.short)
    await callState('Ringing').waitFor()
    await checkScreen('ringing out')
    await button('Hang up').click()
    await callEnded().waitFor()
    await checkScreen('wrap-up')

    await sim.page.evaluate(() => window.__host.setFailUpdate(true))
    await button('Save call').click()
    await sim.widget.getByRole('alert').filter({ hasText: 'could not save' }).waitFor()
    await checkScreen('wrap-up, save error')
    await sim.page.evaluate(() => window.__host.setFailUpdate(false))
    await button('Retry').click()
    await backOnDialer(sim)
  })

  it('in call, held, keypad, transfer', async () => {
    await sim.dial(TEST_NUMBERS.echo.short)
    await callState('Connected').waitFor()
    await checkScreen('in call')
    await sim.widget.getByTestId('call-quality').waitFor()
    await widgetScreenshot(sim, 'incall-quality')

    await button('Hold').click()
    await callState('Held').waitFor()
    await checkScreen('held')
    await widgetScreenshot(sim, 'incall-held')
    await button('Resume').click()
    await callState('Connected').waitFor()

    // The keypad button says it is open, to assistive technology and to the eye.
    const keypad = button('Keypad')
    expect(await keypad.getAttribute('aria-expanded')).toBe('false')
    const closedLook = await keypad.evaluate(b => getComputedStyle(b).backgroundColor)
    await keypad.click()
    await sim.widget.getByTestId('in-call-keypad').waitFor()
    expect(await keypad.getAttribute('aria-expanded')).toBe('true')
    expect(await keypad.evaluate(b => getComputedStyle(b).backgroundColor)).not.toBe(closedLook)
    // Each key is named by what it shows (WCAG 2.5.3).
    await button('2 ABC').waitFor()
    await checkScreen('keypad')
    await widgetScreenshot(sim, 'incall-keypad')
    expect(Math.max(...await requestedHeights())).toBeLessThanOrEqual(REGISTERED_HEIGHT)
    await hangUpInView()
    await keypad.click()

    await button('Transfer').click()
    await sim.widget.getByTestId('transfer-panel').waitFor()
    await checkScreen('transfer')
    await widgetScreenshot(sim, 'incall-transfer')
    await hangUpInView()

    await button('Hang up').click()
    const heading = callEnded()
    await heading.waitFor()
    // Focus moves to the heading for screen readers; it is not a control and draws no frame.
    await expect.poll(() => heading.evaluate(h => h === document.activeElement)).toBe(true)
    expect(await heading.evaluate(h => getComputedStyle(h).outlineStyle)).toBe('none')
    await saveCall(sim)
  })

  it('the wrap-up when HubSpot has no record of the call, and its close confirmation', async () => {
    await sim.page.evaluate(() => window.__host.setFailCreate(true))
    onTestFinished(() => sim.page.evaluate(() => window.__host.setFailCreate(false)))
    await sim.dial(TEST_NUMBERS.busy.short)
    await sim.widget.getByTestId('no-record').waitFor()
    await checkScreen('wrap-up, no record')
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Call back on Friday')
    await button('Close wrap-up').click()
    await button('Discard notes and close').waitFor()
    await checkScreen('wrap-up, close confirmation')
    await button('Discard notes and close').click()
    await backOnDialer(sim)
  })

  it('inbound ringing and answered: the caller keeps their name', async () => {
    await sim.page.evaluate(([from, agent]) => window.__host.callAgent(from, agent), ['1006', AGENT] as const)
    await sim.widget.getByRole('heading', { name: 'Ada Lovelace', exact: true }).waitFor()
    await button('Answer').waitFor()
    await checkScreen('inbound ringing')
    await button('Answer').click()
    await callState('Connected').waitFor()
    expect(await sim.widget.getByRole('heading', { level: 1 }).first().textContent()).toBe('Ada Lovelace')
    expect(await sim.widget.getByTestId('caller-number').textContent()).toBe('1006')
    await checkScreen('inbound, answered')
    await button('Hang up').click()
    await callEnded().waitFor()
    await saveCall(sim)
    expect(Math.max(...await requestedHeights())).toBeLessThanOrEqual(REGISTERED_HEIGHT)
  })

  it('a missed call on the dialer, the call history, the desktop-notification setting', async () => {
    await sim.page.evaluate(([from, agent]) => window.__host.callAgent(from, agent), ['1007', AGENT] as const)
    await button('Answer').waitFor()
    await sim.page.evaluate(() => window.__host.callerHangup())
    await callEnded().waitFor()
    await saveCall(sim)
    await sim.widget.getByTestId('missed-count').filter({ hasText: /^1 missed$/ }).waitFor()
    await checkScreen('dialer, missed calls')
    await sim.widget.getByTestId('open-history').click()
    await sim.widget.getByRole('heading', { name: 'Call history', exact: true }).waitFor()
    expect(await sim.widget.getByTestId('call-history').locator('li').count()).toBeGreaterThanOrEqual(4)
    await checkScreen('call history')
    expect(Math.max(...await requestedHeights())).toBeLessThanOrEqual(REGISTERED_HEIGHT)
    await button('Back to dialer').click()
    await sim.widget.getByText('Audio devices', { exact: true }).click()
    await sim.widget.getByTestId('desktop-alerts').waitFor()
    await checkScreen('audio devices, desktop notifications')
    await sim.widget.getByText('Audio devices', { exact: true }).click()
  })

  it('the setup screen', async () => {
    const setup = await openSimulator(browser, { pbxUrl: 'ftp://pbx.example.com/ws' })
    try {
      await setup.widget.getByRole('heading', { name: 'The softphone needs setting up', exact: true }).waitFor()
      const violations = await axeViolations(setup.widgetFrame())
      expect.soft(describeViolations('setup', violations), 'axe-core on the setup screen').toBe('')
      // The example URL wraps inside the screen instead of running off its edge.
      const url = setup.widget.locator('.setup__url')
      const [urlWidth, screenWidth] = await Promise.all([
        url.evaluate(e => e.getBoundingClientRect().right),
        setup.widget.locator('.setup').evaluate(e => e.getBoundingClientRect().right),
      ])
      expect(urlWidth).toBeLessThanOrEqual(screenWidth)
    }
    finally {
      await setup.page.context().close()
    }
  })
})
