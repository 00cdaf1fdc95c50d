/**
 * A working day in miniature: 50 calls in a row against the real Asterisk, alternating the
 * echo number (answered, the agent hangs up) and the busy number, each with its own notes.
 * Every call must end with the right status, every note must arrive at HubSpot in
 * callCompleted, and afterwards no microphone track or peer connection may be left open.
 * Debug logging is on, and the SIP password must appear in none of it nor in storage.
 */
import type { Browser, ConsoleMessage } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialedNumbersSince, logMarker, TEST_NUMBERS } from '../../pbx/control'
import type { Simulator } from './browser'
import { backOnDialer, launchBrowser, mediaReport, openSimulator, signIn } from './browser'

const AGENT = '1008'
const PASSWORD = `test${AGENT}`
const CALLS = 50

let browser: Browser
let sim: Simulator
const consoleLines: string[] = []

beforeAll(async () => {
  browser = await launchBrowser()
  sim = await openSimulator(browser, { debug: '1' })
  sim.page.on('console', (m: ConsoleMessage) => consoleLines.push(m.text()))
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT, PASSWORD)
  await sim.waitForMessage('LOGGED_IN')
})

afterAll(async () => {
  await browser?.close()
})

const count = async (type: string): Promise<number> => (await sim.received()).filter(e => e.type === type).length

describe('soak', () => {
  it(`places ${CALLS} calls in a row: right statuses, every note at HubSpot, nothing left open`, async () => {
    const mark = await logMarker()
    const statuses: string[] = []
    const notesSent: string[] = []
    const started = Date.now()
    for (let i = 0; i < CALLS; i++) {
      const echo = i % 2 === 0
      const number = echo ? TEST_NUMBERS.echo.e164 : TEST_NUMBERS.busy.e164
      const ended = await count('CALL_ENDED')
      const completed = await count('CALL_COMPLETED')
      await sim.dial(number)
      if (echo) {
        await sim.widget.getByText('Connected', { exact: true }).waitFor()
        await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
      }
      const end = await sim.waitForMessage('CALL_ENDED', ended + 1)
      statuses.push((end.data as { callEndStatus: string }).callEndStatus)
      const note = `Soak call ${i + 1} <${echo ? 'echo' : 'busy'}> & done`
      await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill(note)
      notesSent.push(note)
      await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
      const done = await sim.waitForMessage('CALL_COMPLETED', completed + 1)
      const body = (done.data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body
      expect(body).toBe(note.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
      await backOnDialer(sim)
    }
    console.log(`[soak] ${CALLS} calls in ${((Date.now() - started) / 1000).toFixed(0)} s`)

    expect(statuses).toEqual(Array.from({ length: CALLS }, (_, i) => (i % 2 === 0 ? 'COMPLETED' : 'BUSY')))
    expect(notesSent).toHaveLength(CALLS)
    const dialed = await dialedNumbersSince(mark, AGENT)
    expect(dialed).toHaveLength(CALLS)
    for (const user of dialed) expect(user).toMatch(/^\+[0-9]+$/)

    const media = await mediaReport(sim.widgetFrame())
    expect(media.liveTracks).toBe(0)
    expect(media.peerConnections.length).toBeGreaterThanOrEqual(CALLS / 2)
    expect(media.peerConnections.filter(pc => pc.connectionState !== 'closed')).toEqual([])
  }, 600_000)

  it('never logged the SIP password (debug on) nor stored it', async () => {
    expect(consoleLines.length).toBeGreaterThan(100)
    expect(consoleLines.filter(l => l.includes(PASSWORD))).toEqual([])
    const stored = await sim.widgetFrame().evaluate(() => Object.keys(localStorage).map(k => `${k}=${localStorage.getItem(k)}`).join('\n'))
    expect(stored).not.toContain(PASSWORD)
    expect(stored).toContain('softphone:')
  })
})
