/**
 * Outbound calls end to end: HubSpot (the SDK's host side in dev/host) asks the
 * softphone (the SDK's widget side) to dial, the softphone calls the real
 * Asterisk over WebSocket/WebRTC from Debian's Chromium, and each test asserts
 * the exact SDK messages the host received — and, where it matters, what the
 * PBX itself saw.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialedNumbersSince, logMarker, TEST_NUMBERS } from '../../pbx/control'
import type { HostLogEntry, Simulator } from './browser'
import { backOnDialer, docScreenshot, launchBrowser, mediaReport, openSimulator, saveCall as saveCallOn, signIn } from './browser'

const RING_TIMEOUT_SECONDS = 5
const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7'
const LEFT_LIVE_MESSAGE = 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff'

let browser: Browser
let sim: Simulator

beforeAll(async () => {
  browser = await launchBrowser()
  sim = await openSimulator(browser, { ringTimeoutSeconds: String(RING_TIMEOUT_SECONDS) })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
})

afterAll(async () => {
  await browser?.close()
})

/** The widget→host messages after `from`, without the resize chatter. */
async function messagesAfter(from: number): Promise<HostLogEntry[]> {
  return (await sim.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function countReceived(): Promise<number> {
  return (await sim.received()).length
}

/** Saves the wrap-up as it is and waits for HubSpot's confirmation, so the next test starts idle. */
const saveCall = (): Promise<void> => saveCallOn(sim)

async function callAndExpectEnd(number: string, status: string): Promise<HostLogEntry[]> {
  const from = await countReceived()
  await sim.dial(number)
  const ended = await sim.waitForMessage('CALL_ENDED', (await sim.received()).filter(e => e.type === 'CALL_ENDED').length + 1)
  expect(ended.data).toMatchObject({ callEndStatus: status })
  await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
  return messagesAfter(from)
}

describe('sign in', () => {
  it('refuses a wrong password with a readable reason and no userLoggedIn', async () => {
    const other = await openSimulator(browser)
    await signIn(other, '1002', 'not-the-password')
    await other.widget.getByRole('alert').filter({ hasText: 'Wrong extension or password.' }).waitFor()
    expect((await other.received()).map(e => e.type)).not.toContain('LOGGED_IN')
    await other.page.context().close()
  })

  it('registers with the PBX and tells HubSpot: initialized, then userLoggedIn', async () => {
    await signIn(sim)
    await sim.waitForMessage('LOGGED_IN')
    const types = (await sim.received()).map(e => e.type).filter(t => t !== 'RESIZE_WIDGET')
    expect(types).toEqual(['INITIALIZED', 'LOGGED_IN'])
    expect((await sim.received())[0]?.data).toEqual({ isLoggedIn: false })
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  })
})

describe('outbound calls against the real PBX', () => {
  it('echo: connects, audio flows both ways, the agent hangs up, the wrap-up is saved', async () => {
    const from = await countReceived()
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.widget.getByText('Connected', { exact: true }).waitFor()

    // Asterisk echoes the fake microphone's tone back: audio energy proves both directions.
    const frame = sim.widgetFrame()
    await expect.poll(async () => (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')?.inboundEnergy ?? 0, { timeout: 15_000 }).toBeGreaterThan(0)
    const live = (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')!
    expect(live.inboundPackets).toBeGreaterThan(0)
    expect(live.outboundPackets).toBeGreaterThan(0)
    expect((await mediaReport(frame)).liveTracks).toBeGreaterThan(0)
    // The README's picture of the simulator with the softphone mid-call.
    await docScreenshot(sim.page, 'simulator-mid-call')

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.waitForMessage('CALL_ENDED')
    await sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).selectOption(LEFT_LIVE_MESSAGE)
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Asked for <pricing> & a demo\nCall back Tuesday')
    await saveCall()

    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED'])
    const [started, answered, ended, completed] = messages.map(e => e.data as Record<string, unknown>)
    const callId = started!.externalCallId
    expect(typeof callId).toBe('string')
    expect(started).toMatchObject({ toNumber: TEST_NUMBERS.echo.e164, fromNumber: '1001', createEngagement: true })
    expect(typeof started!.callStartTime).toBe('number')
    expect(answered).toEqual({ externalCallId: callId })
    expect(ended).toMatchObject({ externalCallId: callId, externalCallID: callId, callEndStatus: 'COMPLETED' })
    expect(typeof ended!.engagementId).toBe('number')
    expect(completed).toMatchObject({
      externalCallId: callId,
      engagementId: ended!.engagementId,
      engagementProperties: {
        hs_call_disposition: LEFT_LIVE_MESSAGE,
        hs_call_body: 'Asked for &lt;pricing&gt; &amp; a demo<br>Call back Tuesday',
        hs_call_status: 'COMPLETED',
        hs_call_direction: 'OUTBOUND',
        hs_call_to_number: TEST_NUMBERS.echo.e164,
        hs_call_from_number: '1001',
      },
    })
    expect(Number((completed!.engagementProperties as Record<string, string>).hs_call_duration)).toBeGreaterThan(0)

    // The microphone is released and the peer connection closed after the call.
    const after = await mediaReport(frame)
    expect(after.liveTracks).toBe(0)
    expect(after.peerConnections.every(pc => pc.connectionState === 'closed')).toBe(true)
  })

  it('message: the far end hangs up → COMPLETED, Connected preselected', async () => {
    const messages = await callAndExpectEnd(TEST_NUMBERS.message.e164, 'COMPLETED')
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'])
    await expect.poll(() => sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).inputValue()).toBe(CONNECTED)
    await saveCall()
  })

  it.each([
    ['busy (486)', TEST_NUMBERS.busy.e164, 'BUSY'],
    ['decline (603)', TEST_NUMBERS.decline.e164, 'REJECTED'],
    ['unknown (404)', TEST_NUMBERS.unknown.e164, 'FAILED'],
    ['unavailable (503)', TEST_NUMBERS.unavailable.e164, 'FAILED'],
  ])('%s → %s, never answered', async (_name, number, status) => {
    const messages = await callAndExpectEnd(number, status)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ENDED'])
    await saveCall()
  })

  it('no answer within the ringing timeout → NO_ANSWER', async () => {
    const messages = await callAndExpectEnd(TEST_NUMBERS.noAnswer.e164, 'NO_ANSWER')
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ENDED'])
    await saveCall()
  })

  it('the agent cancels while it rings → CANCELED', async () => {
    const from = await countReceived()
    await sim.dial(TEST_NUMBERS.noAnswer.e164)
    await sim.widget.getByText('Ringing', { exact: true }).waitFor()
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ENDED'])
    expect(messages[1]?.data).toMatchObject({ callEndStatus: 'CANCELED' })
    await saveCall()
  })

  it('HubSpot ends the call (END_CALL) like the agent\'s Hang up', async () => {
    const from = await countReceived()
    const answeredBefore = (await sim.received()).filter(e => e.type === 'CALL_ANSWERED').length
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED', answeredBefore + 1)
    await sim.page.evaluate(() => window.__host.endCall())
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'])
    expect(messages[2]?.data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall()
  })

  it('a number that is not a phone number: sendError, and the PBX saw no INVITE', async () => {
    const mark = await logMarker()
    const from = await countReceived()
    await sim.dial('not a number')
    await sim.waitForMessage('ERROR')
    await sim.widget.getByRole('alert').filter({ hasText: 'not a phone number' }).waitFor()
    expect((await messagesAfter(from)).map(e => e.type)).toEqual(['ERROR'])
    expect(await dialedNumbersSince(mark, '1001')).toEqual([])
  })

  it('HubSpot fails to save the call: the wrap-up keeps the notes, Retry succeeds', async () => {
    await sim.page.evaluate(() => window.__host.setFailUpdate(true))
    await callAndExpectEnd(TEST_NUMBERS.busy.e164, 'BUSY')
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Do not lose this')
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await sim.widget.getByRole('alert').filter({ hasText: 'could not save' }).waitFor()
    expect(await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Do not lose this')

    await sim.page.evaluate(() => window.__host.setFailUpdate(false))
    const completedBefore = (await sim.received()).filter(e => e.type === 'CALL_COMPLETED').length
    await sim.widget.getByRole('button', { name: 'Retry', exact: true }).click()
    await backOnDialer(sim)
    const completed = await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
    expect(completed.data).toMatchObject({ engagementProperties: { hs_call_body: 'Do not lose this' } })
  })

  it('works from the keyboard alone: type and Enter to call, Tab to Hang up, Tab through the wrap-up', async () => {
    const frame = sim.widgetFrame()
    /** Presses Tab until the focused control is the one named, as a keyboard user would. */
    async function tabTo(name: string): Promise<void> {
      for (let i = 0; i < 15; i++) {
        const focused = await frame.evaluate(() => {
          const el = document.activeElement as HTMLElement | null
          return el?.getAttribute('aria-label') ?? el?.closest('label')?.querySelector('span')?.textContent ?? el?.textContent?.trim() ?? ''
        })
        if (focused === name)
          return
        await sim.page.keyboard.press('Tab')
      }
      throw new Error(`could not reach “${name}” with Tab`)
    }

    const from = await countReceived()
    await sim.widget.getByLabel('Phone number', { exact: true }).focus()
    await sim.page.keyboard.type(TEST_NUMBERS.echo.short)
    await sim.page.keyboard.press('Enter')
    await sim.widget.getByText('Connected', { exact: true }).waitFor()
    await tabTo('Hang up')
    await sim.page.keyboard.press('Enter')
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await tabTo('Call outcome')
    await sim.page.keyboard.press('ArrowDown')
    await tabTo('Notes')
    await sim.page.keyboard.type('typed without a mouse')
    await tabTo('Save call')
    await sim.page.keyboard.press('Enter')
    await backOnDialer(sim)

    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED'])
    expect(messages[0]?.data).toMatchObject({ toNumber: TEST_NUMBERS.echo.short })
    expect(messages[3]?.data).toMatchObject({ engagementProperties: { hs_call_body: 'typed without a mouse' } })
  })
})
