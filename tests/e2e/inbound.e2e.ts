/**
 * Inbound calls end to end: the host simulator's own SIP phone (caller 1006 "Ada Lovelace"
 * or 1007) calls agent 1002 through the real Asterisk; the softphone rings inside the
 * simulated HubSpot. Each test asserts the SDK messages the host received and the SIP
 * answer Asterisk got from the agent's phone (its log).
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentAnswersSince, logMarker, TEST_NUMBERS } from '../../pbx/control'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, openSimulator, saveCall as saveCallOn, signIn } from './browser'

const AGENT = '1002'

let browser: Browser
let sim: Simulator

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

async function open(iframeLocation: 'widget' | 'remote' | 'window'): Promise<Simulator> {
  const s = await openSimulator(browser, { iframeLocation })
  await s.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(s, AGENT)
  await s.waitForMessage('LOGGED_IN')
  await s.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  return s
}

async function messagesAfter(s: Simulator, from: number): Promise<HostLogEntry[]> {
  return (await s.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function callAgent(s: Simulator, from: '1006' | '1007'): Promise<void> {
  await s.page.evaluate(([f, a]) => window.__host.callAgent(f, a), [from, AGENT] as const)
}

async function callerEnded(s: Simulator): Promise<void> {
  await s.page.waitForFunction(() => window.__host.callerState().state === 'ended', undefined, { timeout: 15_000 })
}

const saveCall = (s: Simulator): Promise<void> => saveCallOn(s)

/** Waits until Asterisk logged the agent's final answer(s) to its INVITE. */
async function agentAnswers(mark: Awaited<ReturnType<typeof logMarker>>, count = 1): Promise<number[]> {
  await expect.poll(async () => (await agentAnswersSince(mark, AGENT)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count)
  return agentAnswersSince(mark, AGENT)
}

describe('inbound calls (iframeLocation remote)', () => {
  beforeAll(async () => {
    sim = await open('remote')
  })
  afterAll(async () => {
    await sim?.page.context().close()
  })

  it('answer: rings with the caller, pops the matched contact, answers, wrap-up says INBOUND', async () => {
    const from = (await sim.received()).length
    const mark = await logMarker()
    await callAgent(sim, '1006')

    const incoming = await sim.waitForMessage('INCOMING_CALL')
    const callId = (incoming.data as Record<string, unknown>).externalCallId
    expect(incoming.data).toMatchObject({ fromNumber: '1006', toNumber: AGENT, createEngagement: true })
    expect(typeof callId).toBe('string')
    expect(typeof (incoming.data as Record<string, unknown>).callStartTime).toBe('number')
    await sim.widget.getByRole('heading', { name: 'Ada Lovelace', exact: true }).waitFor()
    await expect.poll(() => sim.widget.locator('[data-ringtone]').getAttribute('data-ringtone')).toBe('on')

    await sim.widget.getByRole('button', { name: 'Open contact record', exact: true }).click()
    const navigate = await sim.waitForMessage('NAVIGATE_TO_RECORD')
    expect(navigate.data).toMatchObject({ objectCoordinates: { portalId: 123456, objectId: 9101, objectTypeId: '0-1' } })

    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.page.waitForFunction(() => window.__host.callerState().state === 'answered')
    expect(await agentAnswers(mark)).toEqual([200])

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    const ended = await sim.waitForMessage('CALL_ENDED')
    expect(ended.data).toMatchObject({ externalCallId: callId, callEndStatus: 'COMPLETED' })
    await saveCall(sim)

    const types = (await messagesAfter(sim, from)).map(e => e.type)
    expect(types).toEqual(['INCOMING_CALL', 'NAVIGATE_TO_RECORD', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED'])
    const completed = (await sim.waitForMessage('CALL_COMPLETED')).data as Record<string, unknown>
    expect(completed).toMatchObject({
      externalCallId: callId,
      engagementProperties: { hs_call_direction: 'INBOUND', hs_call_from_number: '1006', hs_call_to_number: AGENT, hs_call_status: 'COMPLETED' },
    })
    await callerEnded(sim)
  })

  it('decline: 603 at the PBX, CALL_ENDED REJECTED, the unmatched caller shown by number', async () => {
    const from = (await sim.received()).length
    const mark = await logMarker()
    await callAgent(sim, '1007')
    await sim.waitForMessage('INCOMING_CALL', 2)
    await sim.widget.getByText('No HubSpot record has this number.', { exact: true }).waitFor()
    await sim.widget.getByRole('heading', { name: 'Agent 1007', exact: true }).waitFor()

    await sim.widget.getByRole('button', { name: 'Decline', exact: true }).click()
    const ended = await sim.waitForMessage('CALL_ENDED', 2)
    expect(ended.data).toMatchObject({ callEndStatus: 'REJECTED' })
    expect(await agentAnswers(mark)).toEqual([603])
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await saveCall(sim)
    expect((await messagesAfter(sim, from)).map(e => e.type)).toEqual(['INCOMING_CALL', 'CALL_ENDED', 'CALL_COMPLETED'])
    await callerEnded(sim)
  })

  it('missed: the caller hangs up first → 487 at the PBX, CALL_ENDED MISSED', async () => {
    const from = (await sim.received()).length
    const mark = await logMarker()
    await callAgent(sim, '1006')
    await sim.waitForMessage('INCOMING_CALL', 3)
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).waitFor()

    await sim.page.evaluate(() => window.__host.callerHangup())
    const ended = await sim.waitForMessage('CALL_ENDED', 3)
    expect(ended.data).toMatchObject({ callEndStatus: 'MISSED' })
    expect(await agentAnswers(mark)).toEqual([487])
    await sim.widget.getByTestId('end-reason').filter({ hasText: /^Missed call: the caller hung up before it was answered\.$/ }).waitFor()
    await saveCall(sim)
    expect((await messagesAfter(sim, from)).map(e => e.type)).toEqual(['INCOMING_CALL', 'CALL_ENDED', 'CALL_COMPLETED'])
    await callerEnded(sim)
  })

  it('busy: a call for the agent during an outbound call gets 486, HubSpot hears nothing of it', async () => {
    const from = (await sim.received()).length
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED', 2)
    const mark = await logMarker()

    await callAgent(sim, '1007')
    expect(await agentAnswers(mark)).toEqual([486])
    await callerEnded(sim)
    expect(await sim.page.evaluate(() => window.__host.callerState().statusCode)).toBe(486)
    await sim.widget.getByText('Connected', { exact: true }).waitFor()

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.waitForMessage('CALL_ENDED', 4)
    await saveCall(sim)
    expect((await messagesAfter(sim, from)).map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED'])
  })

  it('do not disturb: userUnavailable, calls refused 480 without INCOMING_CALL; available again: userAvailable', async () => {
    const from = (await sim.received()).length
    await sim.widget.getByRole('combobox', { name: 'Availability', exact: true }).selectOption('dnd')
    await sim.waitForMessage('USER_UNAVAILABLE')
    const mark = await logMarker()

    await callAgent(sim, '1006')
    expect(await agentAnswers(mark)).toEqual([480])
    await callerEnded(sim)

    await sim.widget.getByRole('combobox', { name: 'Availability', exact: true }).selectOption('available')
    await sim.waitForMessage('USER_AVAILABLE')
    expect((await messagesAfter(sim, from)).map(e => e.type)).toEqual(['USER_UNAVAILABLE', 'USER_AVAILABLE'])
  })
})

describe('inbound calls in each iframeLocation', () => {
  it('window: rings and declines like remote', async () => {
    const s = await open('window')
    const mark = await logMarker()
    await callAgent(s, '1006')
    const incoming = await s.waitForMessage('INCOMING_CALL')
    expect(incoming.data).toMatchObject({ fromNumber: '1006', toNumber: AGENT })
    await s.widget.getByRole('button', { name: 'Decline', exact: true }).click()
    expect((await s.waitForMessage('CALL_ENDED')).data).toMatchObject({ callEndStatus: 'REJECTED' })
    expect(await agentAnswers(mark)).toEqual([603])
    await saveCall(s)
    await s.page.evaluate(() => window.__host.callerHangup())
    await s.page.context().close()
  })

  it('widget (HubSpot: no inbound calling there): calls refused 480, no availability choice, HubSpot hears nothing', async () => {
    const s = await open('widget')
    expect(await s.widget.getByRole('combobox', { name: 'Availability', exact: true }).count()).toBe(0)
    const from = (await s.received()).length
    const mark = await logMarker()
    await callAgent(s, '1007')
    expect(await agentAnswers(mark)).toEqual([480])
    await callerEnded(s)
    expect((await messagesAfter(s, from)).map(e => e.type)).toEqual([])
    await s.page.context().close()
  })
})
