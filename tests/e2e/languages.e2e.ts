/**
 * The softphone in the agent's language, against the real Asterisk in the real Chromium (agent
 * 1010): Chromium runs with English, German, French and Spanish as its language (`--accept-lang`), and the
 * softphone follows `navigator.languages` with no setting. Each run walks every screen by the
 * names its own catalogue gives them (exact): sign-in, dialer, audio devices, ringing out (603),
 * the wrap-up, a real call to the echo test (600) with the timer and call quality, held, the
 * keypad, the transfer form, an attended transfer to 600 with the caller held, inbound ringing
 * (from 1006, HubSpot's match Ada Lovelace), the call history, and the setup screen; on each, axe-core finds nothing
 * and no text runs out of the 400 px widget or is cut off inside its box. `?locale=fr` in the
 * widget URL wins over the browser's German. `npm run screenshots` writes each screen to
 * docs/screens/<language>/ for the README.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_NUMBERS } from '../../pbx/control'
import de from '../../src/i18n/locales/de'
import en from '../../src/i18n/locales/en'
import es from '../../src/i18n/locales/es'
import fr from '../../src/i18n/locales/fr'
import type { MessageSchema } from '../../src/i18n/locales/en'
import { axeViolations, describeViolations } from './axe'
import type { Simulator } from './browser'
import { backOnDialerNamed, launchBrowser, openSimulator, widgetScreenshot } from './browser'

const AGENT = '1010'
/** The widget's registered size (README, "Registering the app in HubSpot"). */
const REGISTERED_HEIGHT = 600

/** A catalogue message with its `{name}` parameters filled in, as vue-i18n renders it. */
function fill(message: string, params: Record<string, string | number> = {}): string {
  return message.replace(/\{\s*(\w+)\s*\}/g, (_, name: string) => String(params[name] ?? `{${name}}`))
}

/**
 * What runs out of the widget or out of its own box: any element whose box ends right of the
 * widget's, and any element whose content is wider than its box (a label spilling past its
 * button's border, or cut off by it), form fields excepted (they scroll their own text).
 */
async function overflowing(sim: Simulator): Promise<string[]> {
  return sim.widgetFrame().evaluate(() => {
    const root = document.querySelector('.softphone')!
    const right = root.getBoundingClientRect().right
    const found: string[] = []
    for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      const box = el.getBoundingClientRect()
      if (box.width === 0 || el.closest('[hidden], .visually-hidden'))
        continue
      const name = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.innerText || el.getAttribute('aria-label') || '').slice(0, 40)}"`
      if (box.right > right + 0.5)
        found.push(`${name} ends at ${Math.round(box.right)} px, the widget at ${Math.round(right)} px`)
      if (el.scrollWidth > el.clientWidth + 1 && !['TEXTAREA', 'SELECT', 'INPUT', 'OPTION'].includes(el.tagName))
        found.push(`${name} does not fit its box: ${el.scrollWidth} px of content in ${el.clientWidth} px`)
    }
    // Hang up stays in view within the registered height (the widget scrolls only what cannot fit).
    const hangUp = root.querySelector('.call__hangup')
    if (hangUp && hangUp.getBoundingClientRect().bottom > window.innerHeight)
      found.push(`Hang up ends at ${Math.round(hangUp.getBoundingClientRect().bottom)} px, below the ${window.innerHeight} px frame`)
    return found
  })
}

/** `folder`: where `npm run screenshots` puts the README's pictures of this language; null for none. */
function walkScreens(language: string, m: MessageSchema, folder: string | null): void {
  let browser: Browser
  let sim: Simulator
  const button = (name: string) => sim.widget.getByRole('button', { name, exact: true })
  const callState = (text: string) => sim.widget.getByTestId('call-state').filter({ hasText: new RegExp(`^${text}$`) })

  /** axe-core, the width check and the height HubSpot was asked for, then the README's picture. */
  async function screen(name: string): Promise<void> {
    const violations = await axeViolations(sim.widgetFrame())
    expect.soft(describeViolations(`${language} ${name}`, violations), `axe-core on the ${name} screen`).toBe('')
    expect.soft(await overflowing(sim), `text out of bounds on the ${language} ${name} screen`).toEqual([])
    const heights = (await sim.received()).filter(e => e.type === 'RESIZE_WIDGET').map(e => (e.data as { height: number }).height)
    expect.soft(Math.max(0, ...heights), `the ${name} screen's height`).toBeLessThanOrEqual(REGISTERED_HEIGHT)
    if (folder)
      await widgetScreenshot(sim, `${folder}/${name}`)
  }

  beforeAll(async () => {
    browser = await launchBrowser({ language })
    sim = await openSimulator(browser, { iframeLocation: 'remote' })
    await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('follows the browser\'s language: sign-in, dialer, audio devices', async () => {
    await button(m.signIn.submit).waitFor()
    expect(await sim.widgetFrame().evaluate(() => document.documentElement.lang)).toBe(language.slice(0, 2))
    await screen('sign-in')
    await sim.widget.getByLabel(m.signIn.extension, { exact: true }).fill(AGENT)
    await sim.widget.getByLabel(m.signIn.password, { exact: true }).fill(`test${AGENT}`)
    await button(m.signIn.submit).click()
    await sim.waitForMessage('LOGGED_IN')
    await sim.widget.getByRole('status').filter({ hasText: new RegExp(`^${m.status.registered}$`) }).waitFor()
    await sim.widget.getByRole('form', { name: m.dialer.label, exact: true }).getByRole('button', { name: m.dialer.call, exact: true }).waitFor()
    await screen('dialer')

    await sim.widget.getByText(m.devices.title, { exact: true }).click()
    await button(m.devices.test).click()
    await sim.widget.getByTestId('mic-level').waitFor()
    await screen('audio-devices')
    await button(m.devices.stopTest).click()
    await sim.widget.getByText(m.devices.title, { exact: true }).click()
  })

  it('ringing out, then the wrap-up with the end reason', async () => {
    await sim.dial(TEST_NUMBERS.noAnswer.short)
    await callState(m.phase.ringing).waitFor()
    await screen('ringing-out')
    await button(m.call.hangUp).click()
    await sim.widget.getByRole('heading', { name: m.wrapUp.title, exact: true }).waitFor()
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe(m.endReason.canceled)
    await sim.widget.getByLabel(m.wrapUp.notes, { exact: true }).fill(language.startsWith('de') ? 'Rückruf am Freitag vereinbart.' : 'Call back on Friday.')
    await screen('wrap-up')
    await button(m.wrapUp.save).click()
    await backOnDialerNamed(sim, m.wrapUp.title, m.dialer.label, m.dialer.call)
  })

  it('a real call to the echo test: connected, held, keypad, transfer, talking to the transfer target', async () => {
    await sim.dial(TEST_NUMBERS.echo.short)
    await callState(m.phase.connected).waitFor()
    await sim.widget.getByTestId('call-quality').waitFor()
    // The timer's name is the catalogue's sentence with the duration in words (Intl), its text m:ss.
    const timer = sim.widget.getByRole('timer')
    expect(await timer.getAttribute('aria-label')).toMatch(new RegExp(`^${fill(m.call.timer, { duration: '' })}\\d`))
    expect(await timer.textContent()).toMatch(/^\d+:\d\d$/)
    await screen('in-call')

    await button(m.call.hold).click()
    await callState(m.phase.held).waitFor()
    await button(m.call.resume).waitFor()
    await screen('held')
    await button(m.call.resume).click()
    await callState(m.phase.connected).waitFor()

    await button(m.call.keypad).click()
    await sim.widget.getByTestId('in-call-keypad').waitFor()
    await button('5 JKL').click()
    await sim.widget.getByRole('status', { name: m.keypad.sent, exact: true }).filter({ hasText: '5' }).waitFor()
    await screen('keypad')
    await button(m.call.keypad).click()

    await button(m.call.transfer).click()
    await sim.widget.getByTestId('transfer-panel').waitFor()
    await screen('transfer')
    await sim.widget.getByLabel(m.transfer.to, { exact: true }).fill(TEST_NUMBERS.echo.short)
    await button(m.transfer.talkFirst).click()
    await sim.widget.getByTestId('transfer-stage').filter({ hasText: fill(m.transfer.talking, { who: TEST_NUMBERS.echo.short }) }).waitFor({ timeout: 15_000 })
    await callState(m.phase.held).waitFor()
    await screen('attended-transfer')
    await button(m.transfer.back).click()
    await sim.widget.getByTestId('transfer-stage').waitFor({ state: 'detached', timeout: 15_000 })

    await button(m.call.hangUp).click()
    await sim.widget.getByRole('heading', { name: m.wrapUp.title, exact: true }).waitFor()
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe(m.endReason.hangupLocal)
    await sim.widget.getByTestId('call-quality-summary').waitFor()
    await button(m.wrapUp.save).click()
    await backOnDialerNamed(sim, m.wrapUp.title, m.dialer.label, m.dialer.call)
  })

  it('inbound ringing with HubSpot\'s match', async () => {
    await sim.page.evaluate(([from, agent]) => window.__host.callAgent(from, agent), ['1006', AGENT] as const)
    await sim.widget.getByRole('heading', { name: 'Ada Lovelace', exact: true }).waitFor()
    await button(m.record.openContact).waitFor()
    await screen('inbound-ringing')
    await button(m.incoming.decline).click()
    await sim.widget.getByRole('heading', { name: m.wrapUp.title, exact: true }).waitFor()
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe(m.endReason.declined)
    await button(m.wrapUp.save).click()
    await backOnDialerNamed(sim, m.wrapUp.title, m.dialer.label, m.dialer.call)
  })

  it('the call history: the calls of this walk, newest first, with their results and dates in this language', async () => {
    await button(m.history.open).click()
    await sim.widget.getByRole('heading', { name: m.history.title, exact: true }).waitFor()
    const results = sim.widget.getByTestId('call-history').locator('.history__result')
    // Declined (inbound), answered (the echo test), not connected (603, hung up while ringing: Cancelled).
    await expect.poll(() => results.allTextContents()).toEqual([m.history.result.declined, m.history.result.answered, m.history.endStatus.canceled])
    await sim.widget.getByRole('button', { name: fill(m.history.redialWho, { who: 'Ada Lovelace' }), exact: true }).waitFor()
    await screen('history')
    await button(m.history.back).click()
    await sim.widget.getByRole('form', { name: m.dialer.label, exact: true }).waitFor()
  })

  it('the setup screen', async () => {
    const main = sim
    sim = await openSimulator(browser, { pbxUrl: 'ftp://pbx.example.com/ws' })
    try {
      await sim.widget.getByRole('heading', { name: m.setup.title, exact: true }).waitFor()
      expect(await sim.widget.getByTestId('config-sources').textContent()).toBe(fill(m.setup.fileOverridden, { query: fill(m.setup.query, { fields: 'pbxUrl' }) }))
      await screen('setup')
    }
    finally {
      await sim.page.context().close()
      sim = main
    }
  })
}

describe('in English (the e2e browser\'s language)', () => walkScreens('en-US', en, 'screens/en'))
describe('in German, from the browser\'s language alone', () => walkScreens('de-DE', de, 'screens/de'))
// French and Spanish: the same walk, for what their longer labels do to the 400 px widget (no pictures).
describe('in French', () => walkScreens('fr-FR', fr, null))
describe('in Spanish', () => walkScreens('es-ES', es, null))

describe('the locale setting wins over the browser', () => {
  it('?locale=fr in the widget URL shows French in a German browser', async () => {
    const browser = await launchBrowser({ language: 'de-DE' })
    try {
      const sim = await openSimulator(browser, { locale: 'fr' })
      await sim.widget.getByRole('heading', { name: fr.signIn.title, exact: true }).waitFor()
      expect(await sim.widgetFrame().evaluate(() => document.documentElement.lang)).toBe('fr')
      await sim.widget.getByRole('button', { name: fr.signIn.submit, exact: true }).waitFor()
    }
    finally {
      await browser.close()
    }
  })
})
