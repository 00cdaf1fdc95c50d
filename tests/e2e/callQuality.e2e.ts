/**
 * Honest call quality (issue 14): a quick mute and hold/resume on a perfect loopback call (the
 * real Asterisk's echo test, 600) is not packet loss. Before the fix the quality read
 * "MOS 1.8 · 40% loss" and the wrap-up "Poor" after exactly this sequence.
 */
import { beforeAll, expect, it } from 'vitest'
import { TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { signedInForTests } from './browser'

const AGENT = '1009'

let sim: Simulator
const signedIn = signedInForTests(AGENT)
beforeAll(() => {
  sim = signedIn()
})

it('mute, hold, resume and unmute on a clean call: the wrap-up\'s quality is not Poor', async () => {
  const state = (text: string) => sim.widget.getByTestId('call-state').filter({ hasText: new RegExp(`^${text}$`) })
  const pressed = (name: string) => sim.widget.getByRole('button', { name, exact: true, pressed: true })
  const unpressed = (name: string) => sim.widget.getByRole('button', { name, exact: true, pressed: false })
  /** The pauses of the sequence: how long the agent stays muted or held, not a wait for something. */
  const pause = (ms: number) => sim.page.waitForTimeout(ms)

  await sim.dial(TEST_NUMBERS.echo.short)
  await state('Connected').waitFor()
  // "Wait 1 s": until the first quality reading (≥ 1 s in), so the call has a clean sample to judge.
  await sim.widget.getByTestId('call-quality').waitFor()
  await sim.widget.getByRole('heading', { level: 1 }).first().focus()

  await sim.page.keyboard.press('Alt+KeyM')
  await pressed('Unmute').waitFor()
  await sim.page.keyboard.press('Alt+KeyH')
  await state('Held').waitFor()
  await pause(800)
  await sim.page.keyboard.press('Alt+KeyH')
  await state('Connected').waitFor()
  await pause(800)
  await sim.page.keyboard.press('Alt+KeyM')
  await unpressed('Mute').waitFor()
  await pause(1500)
  await sim.page.keyboard.press('Alt+KeyX')

  const summary = sim.widget.getByTestId('call-quality-summary')
  await summary.waitFor()
  const text = await summary.textContent()
  expect(text).toMatch(/^\s*Call quality: (Good|Fair) · /)
  expect(text).not.toContain('Poor')
})
