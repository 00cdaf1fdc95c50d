/**
 * Where SIP is raw: the softphone against Kamailio (WebSocket edge, registrar) + rtpengine
 * (WebRTC ↔ plain RTP) with SIPp far ends scripted in pbx/sipp/. Each scenario is asserted
 * from SIPp's own verdict (its exit code: every message the script expects arrived, in order)
 * and the SDK messages the HubSpot host simulator received; where there is media, from
 * getStats (SIPp echoes the agent's RTP back through rtpengine). pbx/README.md has the table.
 */
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { SippOptions, SippRun } from '../../pbx/kamailioControl'
import { KAMAILIO_WS_URL, kamailioDown, kamailioLogMarker, kamailioRunning, kamailioUp, sippCallee, sippCaller, waitForKamailioLog } from '../../pbx/kamailioControl'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, saveCall, signIn } from './browser'

const AGENT = '1001'
/** Any number that is not an agent goes to the SIPp callee. */
const FAR_END = '+442079460999'

let browser: Browser
let sim: Simulator
let stackWasRunning = true

beforeAll(async () => {
  stackWasRunning = await kamailioRunning()
  await kamailioUp()
  browser = await launchBrowser()
  // iframeLocation remote: HubSpot's place for apps with inbound calling (the widget refuses INVITEs 480).
  sim = await openSimulator(browser, { pbxUrl: KAMAILIO_WS_URL, sipDomain: '127.0.0.1', iframeLocation: 'remote' })
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT)
  await sim.waitForMessage('LOGGED_IN')
})

/** The SIPp run of the current test: stopped after it, whatever happened. */
let current: SippRun | undefined

/** A failed scenario must not leave a call or a wrap-up behind for the next one. */
afterEach(async (context) => {
  const run = current
  current = undefined
  await run?.stop()
  // A failed scenario: SIPp's own account of it (what it expected, what came) to read in the log.
  const sipp = await run?.result
  if (sipp && !sipp.passed && context.task.result?.state === 'fail')
    console.error(`[kamailio] SIPp's trace of the failed scenario:\n${sipp.detail}`)
  const hangUpButton = sim.widget.getByRole('button', { name: 'Hang up', exact: true })
  if (await hangUpButton.isVisible())
    await hangUpButton.click()
  const save = sim.widget.getByRole('button', { name: 'Save call', exact: true })
  await save.or(sim.widget.getByRole('form', { name: 'Dialer', exact: true })).first().waitFor()
  if (await save.isVisible())
    await saveCall(sim)
})

afterAll(async () => {
  await browser?.close()
  if (!stackWasRunning)
    await kamailioDown()
})

async function count(type: string): Promise<number> {
  return (await sim.received()).filter(e => e.type === type).length
}

/** The widget→host messages after `from`, without the resize chatter. */
async function messagesAfter(from: number): Promise<HostLogEntry[]> {
  return (await sim.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function expectSippPassed(run: SippRun): Promise<void> {
  const r = await run.result
  expect(r.passed, `SIPp failed (exit ${r.code}):\n${r.detail}`).toBe(true)
}

/** Audio both ways through rtpengine: SIPp echoes the agent's RTP, so energy comes back. */
async function expectAudio(): Promise<void> {
  const frame = sim.widgetFrame()
  const connected = async () => (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')
  const before = (await connected())?.inboundPackets ?? 0
  await expect.poll(async () => (await connected())?.inboundEnergy ?? 0, { timeout: 15_000 }).toBeGreaterThan(0)
  await expect.poll(async () => (await connected())?.inboundPackets ?? 0, { timeout: 15_000 }).toBeGreaterThan(before + 10)
  expect((await connected())?.outboundPackets).toBeGreaterThan(0)
}

interface Outbound {
  sipp: SippRun
  from: number
  answered: number
  ended: number
}

/** Starts the SIPp callee with `scenario` and has HubSpot dial through Kamailio to it. */
async function dialScenario(scenario: string, options: SippOptions = {}): Promise<Outbound> {
  const sipp = await sippCallee(scenario, options)
  current = sipp
  const from = (await sim.received()).length
  const answered = await count('CALL_ANSWERED')
  const ended = await count('CALL_ENDED')
  await sim.dial(FAR_END)
  return { sipp, from, answered, ended }
}

async function answeredWithAudio(call: Outbound): Promise<void> {
  await sim.waitForMessage('CALL_ANSWERED', call.answered + 1)
  await sim.widget.getByText('Connected', { exact: true }).waitFor()
  await expectAudio()
}

/** Waits for CALL_ENDED with `status`, the wrap-up on screen; returns the wrap-up's reason line. */
async function endsWith(call: Outbound, status: string): Promise<string> {
  const end = await sim.waitForMessage('CALL_ENDED', call.ended + 1)
  expect(end.data).toMatchObject({ callEndStatus: status })
  await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
  return (await sim.widget.getByTestId('end-reason').textContent({ timeout: 1000 }).catch(() => '')) ?? ''
}

async function hangUp(): Promise<void> {
  await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
}

/** After each scenario: exactly one CALL_ENDED, the wrap-up saved, the dialer back. */
async function finish(call: Outbound, types: string[], label: string, reason: string): Promise<void> {
  await expectSippPassed(call.sipp)
  expect((await messagesAfter(call.from)).map(e => e.type)).toEqual(types)
  console.log(`[kamailio] ${label}: ${types.join(' → ')}; wrap-up reason "${reason}"`)
  await saveCall(sim)
}

const ringback = () => sim.widget.locator('[data-ringback]').getAttribute('data-ringback')

describe('outbound through Kamailio + rtpengine to a SIPp callee', () => {
  it('180 then 200: audio both ways through rtpengine, our BYE → COMPLETED', async () => {
    const call = await dialScenario('callee-180-200')
    await answeredWithAudio(call)
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], '180→200', reason)
  })

  it('183 with SDP then 200: the far end\'s early media plays (no local ringback), then the call', async () => {
    const call = await dialScenario('callee-183sdp-200')
    await expect.poll(ringback, { timeout: 10_000 }).toBe('early-media')
    await answeredWithAudio(call)
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], '183 SDP→200', reason)
  })

  it('183 without SDP then 200: the local ringback plays, then the call', async () => {
    const call = await dialScenario('callee-183-200')
    await expect.poll(ringback, { timeout: 10_000 }).toBe('local')
    await answeredWithAudio(call)
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], '183 no SDP→200', reason)
  })

  it('forking: 180 and 183 with different To-tags, 200 from the second: one call, audio, our BYE goes to that branch', async () => {
    const call = await dialScenario('callee-forked')
    await answeredWithAudio(call)
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 'forked 18x→200', reason)
  })

  it('200 then an immediate BYE from the far end → COMPLETED, the wrap-up', async () => {
    const call = await dialScenario('callee-200-bye')
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], '200 then BYE', reason)
  })

  it('far-end re-INVITE with a new SDP: answered sendrecv, audio goes on', async () => {
    const mark = await kamailioLogMarker()
    const call = await dialScenario('callee-reinvite-sdp')
    await answeredWithAudio(call)
    await waitForKamailioLog(mark, /REPLY 200 [^\n]*\(101 INVITE\) from ws:/)
    await expectAudio()
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 're-INVITE new SDP', reason)
  })

  it('far-end re-INVITE without SDP: we offer sendrecv in the 200, take the answer from the ACK, audio goes on', async () => {
    const mark = await kamailioLogMarker()
    const call = await dialScenario('callee-reinvite-nosdp')
    await answeredWithAudio(call)
    await waitForKamailioLog(mark, /REPLY 200 [^\n]*\(101 INVITE\) from ws:/)
    await expectAudio()
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 're-INVITE no SDP', reason)
  })

  // The softphone answers UPDATE (RFC 3311) but does not take an offer in it: 488, and the session
  // as negotiated by the INVITE goes on (RFC 3311 §5.2). A session refresh without SDP gets 200.
  it('far-end UPDATE with a new SDP offer: refused 488, the call and its audio go on', async () => {
    const mark = await kamailioLogMarker()
    const call = await dialScenario('callee-update')
    await answeredWithAudio(call)
    const [, status] = await waitForKamailioLog(mark, /REPLY (\d{3}) [^\n]*\(101 UPDATE\) from ws:/)
    expect(status).toBe('488')
    await expectAudio()
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 'UPDATE', reason)
  })

  // RFC 3261 §14.1: our refused hold offer is rolled back, so the far end's own re-INVITE is answered normally.
  it('491 to our hold, then the far end\'s own re-INVITE: we answer sendrecv', async () => {
    const mark = await kamailioLogMarker()
    const call = await dialScenario('callee-491-hold')
    await answeredWithAudio(call)
    await sim.widget.getByRole('button', { name: 'Hold', exact: true }).click()
    await waitForKamailioLog(mark, /REPLY 491 [^\n]*INVITE\) from udp:/)
    const [, status] = await waitForKamailioLog(mark, /REPLY (\d{3}) [^\n]*\(101 INVITE\) from ws:/)
    expect(status).toBe('200')
    await expectAudio()
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], '491 to hold', reason)
  })

  it('302 redirect → the call ends FAILED with the redirect named (sip.js does not follow it)', async () => {
    const call = await dialScenario('callee-302')
    const reason = await endsWith(call, 'FAILED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ENDED'], '302', reason)
  })

  it.each([
    ['486', 'Busy Here', 'BUSY'],
    ['603', 'Decline', 'REJECTED'],
    ['408', 'Request Timeout', 'NO_ANSWER'],
  ])('%s %s after 180 → %s', async (status, text, endStatus) => {
    const call = await dialScenario(`callee-${status}`)
    const reason = await endsWith(call, endStatus)
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ENDED'], `${status} ${text}`, reason)
  })

  it('500 with Retry-After → FAILED', async () => {
    const call = await dialScenario('callee-500-retry-after')
    const reason = await endsWith(call, 'FAILED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ENDED'], '500 Retry-After', reason)
  })

  it('BYE crossing our BYE: one CALL_ENDED COMPLETED, both BYEs answered', async () => {
    const call = await dialScenario('callee-bye-crossing')
    await answeredWithAudio(call)
    await hangUp()
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 'BYE crossing BYE', reason)
  })
})

describe('blind transfer: the far end\'s NOTIFY sipfrag variants', () => {
  async function transferTo(target: string): Promise<void> {
    await sim.widget.getByRole('button', { name: 'Transfer', exact: true }).click()
    await sim.widget.getByLabel('Transfer to', { exact: true }).fill(target)
    await sim.widget.getByRole('button', { name: 'Transfer now', exact: true }).click()
  }

  it('NOTIFY 100 then 200: callTransferred, COMPLETED', async () => {
    const call = await dialScenario('callee-refer-notify-200')
    await answeredWithAudio(call)
    await transferTo('2000')
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_TRANSFERRED', 'CALL_ENDED'], 'REFER, NOTIFY 100/200', reason)
  })

  it('NOTIFY 100 then 503: the call stays up and the agent is told why', async () => {
    const call = await dialScenario('callee-refer-notify-503')
    await answeredWithAudio(call)
    await transferTo('2000')
    const alert = sim.widget.getByRole('alert').filter({ hasText: 'The transfer failed (503 Service Unavailable).' })
    await alert.waitFor()
    const notice = await alert.textContent()
    await sim.widget.getByText('Connected', { exact: true }).waitFor()
    await hangUp()
    await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'], 'REFER, NOTIFY 100/503', notice ?? '')
  })

  it('no NOTIFY, the far end hangs up after its 202: callTransferred, COMPLETED', async () => {
    const call = await dialScenario('callee-refer-no-notify')
    await answeredWithAudio(call)
    await transferTo('2000')
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_TRANSFERRED', 'CALL_ENDED'], 'REFER, no NOTIFY, BYE', reason)
  })
})

describe('inbound from a SIPp caller through Kamailio', () => {
  async function ringing(scenario: string): Promise<Outbound> {
    const from = (await sim.received()).length
    const answered = await count('CALL_ANSWERED')
    const ended = await count('CALL_ENDED')
    const incoming = await count('INCOMING_CALL')
    const sipp = await sippCaller(scenario, AGENT)
    current = sipp
    await sim.waitForMessage('INCOMING_CALL', incoming + 1)
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).waitFor()
    return { sipp, from, answered, ended }
  }

  it('answered: audio both ways through rtpengine, the caller hangs up → COMPLETED', async () => {
    const call = await ringing('caller-answered')
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()
    await answeredWithAudio(call)
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['INCOMING_CALL', 'CALL_ANSWERED', 'CALL_ENDED'], 'inbound answered', reason)
  })

  it('the caller cancels while it rings → MISSED', async () => {
    const call = await ringing('caller-cancel')
    const reason = await endsWith(call, 'MISSED')
    await finish(call, ['INCOMING_CALL', 'CALL_ENDED'], 'inbound CANCEL', reason)
  })

  it('CANCEL crossing our 200: the call is up, then the caller\'s BYE → COMPLETED', async () => {
    const call = await ringing('caller-cancel-crossing-200')
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()
    await sim.waitForMessage('CALL_ANSWERED', call.answered + 1)
    const reason = await endsWith(call, 'COMPLETED')
    await finish(call, ['INCOMING_CALL', 'CALL_ANSWERED', 'CALL_ENDED'], 'inbound CANCEL crossing 200', reason)
  })
})
