/**
 * In-call controls end to end, proven at the PBX's side: agent 1003 (the softphone in the
 * HubSpot host simulator) calls two bare sip.js phones (1004, 1005: `tests/e2e/peer/`) and
 * the test numbers of the real Asterisk. Hold is proven by the re-INVITE with a=sendonly and
 * Asterisk's music on hold reaching the held party; DTMF by the 607 collector's digits;
 * transfers by the REFER Asterisk received and by who ends up talking to whom.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { LogMarker } from '../../pbx/control'
import { dtmfCollectedSince, invitesSince, logMarker, logSince, PBX_SIP_DOMAIN, PBX_WS_URL, pbxPassword, TEST_NUMBERS, waitForLog } from '../../pbx/control'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, signIn, widgetScreenshot } from './browser'
import type { PeerAudio, PeerCall } from './peer/peer'

const AGENT = '1003'

let browser: Browser
let sim: Simulator
const peers: Record<'1004' | '1005', Page> = {} as Record<'1004' | '1005', Page>

async function openPeer(extension: '1004' | '1005'): Promise<Page> {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', error => console.error(`[peer ${extension}]`, error))
  await page.goto(new URL('/tests/e2e/peer/index.html', inject('baseUrl')).toString())
  await page.waitForFunction(() => typeof window.__peer !== 'undefined')
  await page.evaluate(o => window.__peer.register(o), { server: PBX_WS_URL, domain: PBX_SIP_DOMAIN, user: extension, password: pbxPassword(extension) })
  return page
}

beforeAll(async () => {
  browser = await launchBrowser()
  ;[peers['1004'], peers['1005']] = await Promise.all([openPeer('1004'), openPeer('1005')])
  sim = await openSimulator(browser)
  await sim.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(sim, AGENT)
  await sim.waitForMessage('LOGGED_IN')
  await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
})

afterAll(async () => {
  await browser?.close()
})

// A test that failed half-way must not take the next ones down with it: end any call,
// save any wrap-up, free the peers.
afterEach(async () => {
  if (!sim)
    return
  const hangUp = sim.widget.getByRole('button', { name: 'Hang up', exact: true })
  const save = sim.widget.getByRole('button', { name: /^(Save call|Retry)$/ })
  if (await hangUp.count() > 0) {
    await hangUp.click().catch(() => {})
    await save.waitFor({ timeout: 10_000 }).catch(() => {})
  }
  if (await save.count() > 0)
    await save.click().catch(() => {})
  await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor({ timeout: 10_000 }).catch(() => {})
  for (const ext of ['1004', '1005'] as const)
    await peers[ext]?.evaluate(() => window.__peer.hangup()).catch(() => {})
})

// ------------------------------------------------------------------ helpers

const peerCalls = (ext: '1004' | '1005'): Promise<PeerCall[]> => peers[ext].evaluate(() => window.__peer.calls())
const peerAudio = (ext: '1004' | '1005'): Promise<PeerAudio> => peers[ext].evaluate(() => window.__peer.audio())
const liveCall = async (ext: '1004' | '1005'): Promise<PeerCall | undefined> => (await peerCalls(ext)).filter(c => c.state !== 'ended').at(-1)

async function hangUpPeers(): Promise<void> {
  for (const ext of ['1004', '1005'] as const) {
    await peers[ext].evaluate(() => window.__peer.hangup())
    await expect.poll(() => liveCall(ext), { timeout: 10_000 }).toBeUndefined()
  }
}

async function messagesAfter(from: number): Promise<HostLogEntry[]> {
  return (await sim.received()).slice(from).filter(e => e.type !== 'RESIZE_WIDGET')
}

async function count(type: string): Promise<number> {
  return (await sim.received()).filter(e => e.type === type).length
}

/** Dials `number` from HubSpot and waits until the call is answered; returns the SIP Call-ID. */
async function callAndAnswer(number: string): Promise<string> {
  const started = await count('OUTGOING_CALL_STARTED')
  const answered = await count('CALL_ANSWERED')
  await sim.dial(number)
  const start = await sim.waitForMessage('OUTGOING_CALL_STARTED', started + 1)
  await sim.waitForMessage('CALL_ANSWERED', answered + 1)
  await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor()
  return (start.data as { externalCallId: string }).externalCallId
}

async function saveCall(): Promise<void> {
  await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
  await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
}

/** The agent's live peer connection's audio counters (RTP received/sent, energy). */
async function agentAudio(): Promise<{ inboundPackets: number, inboundEnergy: number, outboundPackets: number }> {
  const report = await mediaReport(sim.widgetFrame())
  const live = report.peerConnections.filter(pc => pc.connectionState === 'connected')
  return live.at(-1) ?? { inboundPackets: 0, inboundEnergy: 0, outboundPackets: 0 }
}

/** SIP requests Asterisk received since `mark` (method, raw text). */
async function receivedRequests(mark: LogMarker, method: string): Promise<string[]> {
  const text = (await logSince(mark)).replace(/\r\n/g, '\n')
  const re = new RegExp(`<--- Received SIP request \\(\\d+ bytes\\) from [^\\n]* --->\\n(${method} [\\s\\S]*?)\\n\\n(?:[^\\[\\n][^\\n]*\\n)*`, 'g')
  return [...text.matchAll(re)].map(m => m[0])
}

/** The re-INVITEs Asterisk received for `callId` since `mark` (in-dialog INVITEs with their SDP). */
async function reInvites(mark: LogMarker, callId: string): Promise<string[]> {
  return (await receivedRequests(mark, 'INVITE')).filter(block => block.includes(`Call-ID: ${callId}`) && /^To:.*;tag=/m.test(block))
}

/** The README's pictures, the softphone's iframe only: into docs/ with UPDATE_SCREENSHOTS=1, else the git-ignored artifacts. */
/** Focus the softphone (not a field) so its keyboard shortcuts receive the keys. */
async function focusWidget(): Promise<void> {
  await sim.widget.locator('#call-party').click()
}

// ------------------------------------------------------------------- tests

describe('hold and resume', () => {
  it('re-INVITE a=sendonly, the held party hears music on hold, the timer runs on; resume brings the audio back', async () => {
    const callId = await callAndAnswer('1004')
    // Audio flows both ways before the hold.
    await expect.poll(async () => (await agentAudio()).inboundPackets, { timeout: 15_000 }).toBeGreaterThan(20)

    const mark = await logMarker()
    const timerBefore = await sim.widget.getByRole('timer').textContent()
    await sim.widget.getByRole('button', { name: 'Hold', exact: true }).click()
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Held' }).waitFor()
    await sim.widget.getByRole('button', { name: 'Resume', exact: true }).waitFor()

    // At the PBX: the re-INVITE put the call on hold, and music on hold started for 1004.
    await expect.poll(async () => (await reInvites(mark, callId)).filter(b => b.includes('a=sendonly')).length, { timeout: 10_000 }).toBe(1)
    await waitForLog(mark, /Started music on hold, class 'default', on channel 'PJSIP\/1004-/)
    // 1004 keeps receiving audio (the music) while the agent receives nothing (Asterisk: recvonly).
    const heldAt = await agentAudio()
    const peerAt = await peerAudio('1004')
    // Wait for 1004 to receive 50 more packets of music (about a second), then compare.
    await expect.poll(async () => (await peerAudio('1004')).inboundPackets - peerAt.inboundPackets, { timeout: 10_000 }).toBeGreaterThan(50)
    const heldLater = await agentAudio()
    const peerLater = await peerAudio('1004')
    expect(peerLater.inboundEnergy).toBeGreaterThan(peerAt.inboundEnergy)
    expect(heldLater.inboundPackets - heldAt.inboundPackets).toBeLessThan(10)
    // The call timer keeps running while held.
    expect(await sim.widget.getByRole('timer').textContent()).not.toBe(timerBefore)
    await widgetScreenshot(sim, 'incall-held')

    const resumeMark = await logMarker()
    await sim.widget.getByRole('button', { name: 'Resume', exact: true }).click()
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor()
    await expect.poll(async () => (await reInvites(resumeMark, callId)).filter(b => b.includes('a=sendrecv')).length, { timeout: 10_000 }).toBe(1)
    await waitForLog(resumeMark, /Stopped music on hold on PJSIP\/1004-/)
    // getStats: audio from 1004 reaches the agent again.
    const resumedAt = await agentAudio()
    await expect.poll(async () => (await agentAudio()).inboundPackets - resumedAt.inboundPackets, { timeout: 10_000 }).toBeGreaterThan(50)
    const energyAt = (await agentAudio()).inboundEnergy
    await expect.poll(async () => (await agentAudio()).inboundEnergy, { timeout: 10_000 }).toBeGreaterThan(energyAt)

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await saveCall()
    await expect.poll(() => liveCall('1004'), { timeout: 10_000 }).toBeUndefined()
  })
})

describe('keypad (DTMF)', () => {
  it('RFC 4733: the 607 collector receives exactly the keys pressed (clicks and the keyboard), no SIP INFO', async () => {
    const mark = await logMarker()
    await callAndAnswer(TEST_NUMBERS.dtmf.e164)
    await focusWidget()
    await sim.page.keyboard.press('Alt+KeyK')
    await sim.widget.getByTestId('in-call-keypad').waitFor()
    await sim.widget.getByRole('button', { name: '1', exact: true }).click()
    await sim.widget.getByRole('button', { name: '2 ABC', exact: true }).click()
    await sim.widget.getByRole('button', { name: '0 +', exact: true }).click()
    await sim.page.keyboard.press('9')
    await sim.page.keyboard.press('*')
    await expect.poll(() => sim.widget.getByLabel('Keys sent', { exact: true }).textContent()).toBe('1209*')
    await widgetScreenshot(sim, 'incall-keypad')
    await sim.page.keyboard.press('#')

    // 607 hangs up after "#": the digits it collected are in its log line.
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ timeout: 15_000 })
    expect(await dtmfCollectedSince(mark)).toEqual(['1209*'])
    expect(await receivedRequests(mark, 'INFO')).toEqual([])
    await waitForLog(mark, /DTMF end '1' received on PJSIP\/1003-/)
    await saveCall()
  })

  it('SIP INFO when configured (dtmfMode=info): the collector gets the digits, as INFO requests', async () => {
    const other = await openSimulator(browser, { dtmfMode: 'info' })
    try {
      await other.page.evaluate(() => window.__host.setReplyDelay(0))
      await signIn(other, AGENT)
      await other.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
      const mark = await logMarker()
      await other.dial(TEST_NUMBERS.dtmf.short)
      await other.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor()
      await other.widget.getByRole('button', { name: 'Keypad', exact: true }).click()
      for (const key of ['4', '5', '#'])
        await other.widget.locator(`button[data-key="${key}"]`).click()
      await other.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ timeout: 15_000 })
      expect(await dtmfCollectedSince(mark)).toEqual(['45'])
      const infos = await receivedRequests(mark, 'INFO')
      expect(infos.map(b => /Signal=(.)/.exec(b)?.[1])).toEqual(['4', '5', '#'])
      expect(infos.every(b => /Content-Type: application\/dtmf-relay/i.test(b))).toBe(true)
    }
    finally {
      await other.page.context().close()
      // The agent's own registration was replaced by the other page's: sign the main page in again.
      await sim.page.reload()
      await sim.page.waitForFunction(() => window.__host?.isReady())
      await signIn(sim, AGENT)
      await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    }
  })
})

describe('blind transfer', () => {
  it('REFER to 1005: the caller (1004) ends up talking to 1005; HubSpot gets callTransferred and COMPLETED', async () => {
    const from = (await sim.received()).length
    const callId = await callAndAnswer('1004')
    const mark = await logMarker()

    await sim.widget.getByRole('button', { name: 'Transfer', exact: true }).click()
    await sim.widget.getByLabel('Transfer to', { exact: true }).fill('1005')
    await widgetScreenshot(sim, 'incall-transfer')
    await sim.widget.getByRole('button', { name: 'Transfer now', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ timeout: 15_000 })
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe('You transferred the call to 1005.')

    // At the PBX: a REFER in the agent's dialog, to 1005.
    const refers = await receivedRequests(mark, 'REFER')
    expect(refers).toHaveLength(1)
    expect(refers[0]).toContain(`Call-ID: ${callId}`)
    expect(refers[0]).toMatch(/^Refer-To: <?sip:1005@127\.0\.0\.1>?$/im)
    // 1005 was called by the caller (1004) and answered; 1004's call went on, now with 1005.
    await expect.poll(async () => (await liveCall('1005'))?.state, { timeout: 10_000 }).toBe('answered')
    expect((await liveCall('1005'))?.remoteUser).toBe('1004')
    expect((await liveCall('1004'))?.state).toBe('answered')
    const heard = (await peerAudio('1005')).inboundEnergy
    await expect.poll(async () => (await peerAudio('1005')).inboundEnergy, { timeout: 10_000 }).toBeGreaterThan(heard)

    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_TRANSFERRED', 'CALL_ENDED'])
    expect(messages[2]?.data).toEqual({ externalCallId: callId })
    expect(messages[3]?.data).toMatchObject({ externalCallId: callId, callEndStatus: 'COMPLETED' })
    await saveCall()
    await hangUpPeers()
  })
})

describe('attended transfer', () => {
  it('talk first: the caller is held with music, 1005 answers the agent, Complete joins 1004 and 1005 (REFER with Replaces)', async () => {
    const from = (await sim.received()).length
    const callId = await callAndAnswer('1004')
    const mark = await logMarker()

    await sim.widget.getByRole('button', { name: 'Transfer', exact: true }).click()
    await sim.widget.getByLabel('Transfer to', { exact: true }).fill('1005')
    await sim.widget.getByRole('button', { name: 'Talk first', exact: true }).click()
    await sim.widget.getByTestId('transfer-stage').filter({ hasText: 'Talking to 1005' }).waitFor({ timeout: 15_000 })
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Held' }).waitFor()
    await widgetScreenshot(sim, 'incall-attended')

    // The caller was put on hold (music) and 1005 is talking to the agent.
    expect((await reInvites(mark, callId)).filter(b => b.includes('a=sendonly'))).toHaveLength(1)
    await waitForLog(mark, /Started music on hold, class 'default', on channel 'PJSIP\/1004-/)
    expect((await liveCall('1005'))).toMatchObject({ state: 'answered', remoteUser: AGENT })
    const agentHeard = (await agentAudio()).inboundEnergy
    await expect.poll(async () => (await agentAudio()).inboundEnergy, { timeout: 10_000 }).toBeGreaterThan(agentHeard)

    await sim.widget.getByRole('button', { name: 'Complete transfer', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ timeout: 15_000 })
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe('You transferred the call (attended) to 1005.')

    // At the PBX: one REFER on the first call, naming the consultation dialog in Replaces.
    const refers = await receivedRequests(mark, 'REFER')
    expect(refers).toHaveLength(1)
    expect(refers[0]).toContain(`Call-ID: ${callId}`)
    const consultation = (await invitesSince(mark)).find(i => i.user === '1005' && !i.inDialog)
    expect(consultation).toBeDefined()
    const referTo = /^Refer-To: (.*)$/im.exec(refers[0]!)?.[1] ?? ''
    expect(decodeURIComponent(referTo)).toMatch(new RegExp(`<sip:[^>]*\\?Replaces=${consultation!.callId};to-tag=[^;>]+;from-tag=[^;>]+>$`))
    // 1004 and 1005 are now connected to each other, and the agent's calls are over.
    expect((await liveCall('1004'))?.state).toBe('answered')
    expect((await liveCall('1005'))?.state).toBe('answered')
    const heard = (await peerAudio('1005')).inboundPackets
    await expect.poll(async () => (await peerAudio('1005')).inboundPackets - heard, { timeout: 10_000 }).toBeGreaterThan(50)
    await expect.poll(async () => (await mediaReport(sim.widgetFrame())).peerConnections.every(pc => pc.connectionState === 'closed')).toBe(true)

    const messages = await messagesAfter(from)
    expect(messages.map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_TRANSFERRED', 'CALL_ENDED'])
    expect(messages[3]?.data).toMatchObject({ externalCallId: callId, callEndStatus: 'COMPLETED' })
    await saveCall()
    await hangUpPeers()
  })

  it('back to caller: hangs up on 1005 and resumes 1004, whose audio reaches the agent again', async () => {
    const from = (await sim.received()).length
    const callId = await callAndAnswer('1004')
    await sim.widget.getByRole('button', { name: 'Transfer', exact: true }).click()
    await sim.widget.getByLabel('Transfer to', { exact: true }).fill('1005')
    await sim.widget.getByRole('button', { name: 'Talk first', exact: true }).click()
    await sim.widget.getByTestId('transfer-stage').filter({ hasText: 'Talking to 1005' }).waitFor({ timeout: 15_000 })

    const mark = await logMarker()
    await sim.widget.getByRole('button', { name: 'Back to caller', exact: true }).click()
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 })
    await expect.poll(() => liveCall('1005'), { timeout: 10_000 }).toBeUndefined()
    await expect.poll(async () => (await reInvites(mark, callId)).filter(b => b.includes('a=sendrecv')).length, { timeout: 10_000 }).toBe(1)
    await waitForLog(mark, /Stopped music on hold on PJSIP\/1004-/)
    const at = await agentAudio()
    await expect.poll(async () => (await agentAudio()).inboundPackets - at.inboundPackets, { timeout: 10_000 }).toBeGreaterThan(50)

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect((await messagesAfter(from)).map(e => e.type)).toEqual(['OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED'])
    await saveCall()
    await expect.poll(() => liveCall('1004'), { timeout: 10_000 }).toBeUndefined()
  })
})

describe('keyboard shortcuts', () => {
  it('Alt+M / Alt+H / Alt+X act on the call, but never while the agent types in a field', async () => {
    const mark = await logMarker()
    const callId = await callAndAnswer(TEST_NUMBERS.echo.e164)
    await sim.widget.getByTestId('shortcuts').filter({ hasText: 'Alt+M' }).waitFor()

    // Typing in the transfer field: the same keys do nothing to the call.
    await sim.widget.getByRole('button', { name: 'Transfer', exact: true }).click()
    await sim.widget.getByLabel('Transfer to', { exact: true }).click()
    await sim.page.keyboard.press('Alt+KeyM')
    await sim.page.keyboard.press('Alt+KeyH')
    await sim.page.keyboard.press('Alt+KeyX')
    // The keys were delivered to the field (a round trip to the page after them), and did nothing to the call.
    expect(await sim.widget.getByLabel('Transfer to', { exact: true }).inputValue()).toBe('')
    await sim.widget.getByRole('button', { name: 'Mute', exact: true }).waitFor()
    expect(await sim.widget.getByTestId('call-state').textContent()).toBe('Connected')
    await sim.widget.getByRole('button', { name: 'Cancel', exact: true }).click()

    await focusWidget()
    await sim.page.keyboard.press('Alt+KeyM')
    await sim.widget.getByRole('button', { name: 'Unmute', exact: true }).waitFor()
    await sim.page.keyboard.press('Alt+KeyH')
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Held' }).waitFor()
    await expect.poll(async () => (await reInvites(mark, callId)).filter(b => b.includes('a=sendonly')).length, { timeout: 10_000 }).toBe(1)
    await sim.page.keyboard.press('Alt+KeyH')
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor()
    await sim.page.keyboard.press('Alt+KeyX')
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await sim.widget.getByTestId('end-reason').textContent()).toBe('You hung up.')
    await saveCall()
  })
})

describe('ringback', () => {
  it('a local tone while it rings without early media (180), stopped when the agent hangs up', async () => {
    await sim.dial(TEST_NUMBERS.noAnswer.e164)
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Ringing' }).waitFor()
    await expect.poll(() => sim.widget.locator('[data-ringback]').getAttribute('data-ringback')).toBe('local')
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await sim.widget.locator('[data-ringback]').count()).toBe(0)
    await saveCall()
  })

  it('a callee who picks up (180, then 200 OK): the local tone while it rings, off with the answer; HubSpot hears CALL_ANSWERED', async () => {
    const answeredBefore = (await sim.received()).filter(e => e.type === 'CALL_ANSWERED').length
    // It rings for 250 ms only: every ringback state the call screen shows is recorded as it happens.
    await sim.widgetFrame().evaluate(() => {
      const seen: string[] = []
      const observer = new MutationObserver(() => {
        const state = document.querySelector('[data-ringback]')?.getAttribute('data-ringback')
        if (state && state !== seen.at(-1))
          seen.push(state)
      })
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ringback'] })
      ;(window as unknown as { __ringback: { seen: string[], observer: MutationObserver } }).__ringback = { seen, observer }
    })
    await sim.dial(TEST_NUMBERS.pickup.e164)
    await sim.waitForMessage('CALL_ANSWERED', answeredBefore + 1)
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor()
    const seen = await sim.widgetFrame().evaluate(() => {
      const { seen, observer } = (window as unknown as { __ringback: { seen: string[], observer: MutationObserver } }).__ringback
      observer.disconnect()
      return seen
    })
    expect(seen.slice(-2)).toEqual(['local', 'off'])
    // The echo answers: the far end's audio plays, the tone is not what the agent hears.
    await expect.poll(async () => (await agentAudio()).inboundEnergy, { timeout: 5_000 }).toBeGreaterThan(0)
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await saveCall()
  })

  it('the PBX\'s early media (183 with SDP) is what the agent hears; no local tone; answered → off', async () => {
    const mark = await logMarker()
    await sim.dial(TEST_NUMBERS.earlyMedia.e164)
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Ringing' }).waitFor()
    await expect.poll(() => sim.widget.locator('[data-ringback]').getAttribute('data-ringback')).toBe('early-media')
    // The PBX's ringback tone reaches the agent before the answer.
    await expect.poll(async () => (await agentAudio()).inboundEnergy, { timeout: 5_000 }).toBeGreaterThan(0)
    expect(await logSince(mark)).not.toMatch(/EARLY-MEDIA-ANSWER/)
    await sim.widget.getByTestId('call-state').filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 })
    await waitForLog(mark, /EARLY-MEDIA-ANSWER: PJSIP\/1003-/)
    expect(await sim.widget.locator('[data-ringback]').getAttribute('data-ringback')).toBe('off')
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await saveCall()
  })
})

describe('call quality', () => {
  it('a live indicator from getStats during the call, and its summary on the wrap-up', async () => {
    await callAndAnswer(TEST_NUMBERS.echo.e164)
    const indicator = sim.widget.getByTestId('call-quality')
    await indicator.waitFor({ timeout: 10_000 })
    expect(await indicator.getAttribute('data-level')).toBe('good')
    expect(Number(await indicator.getAttribute('data-mos'))).toBeGreaterThanOrEqual(4)
    expect(await indicator.textContent()).toMatch(/Call quality: Good.*MOS 4\.\d · \d+ ms RTT/)
    await widgetScreenshot(sim, 'incall-quality')
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await sim.widget.getByTestId('call-quality-summary').textContent()).toMatch(/Call quality: Good · average MOS 4\.\d/)
    await saveCall()
  })
})

describe('audio devices', () => {
  it('lists the devices and checks the microphone with a live level meter before a call', async () => {
    const settings = sim.widget.getByTestId('audio-devices')
    await settings.locator('summary').click()
    await settings.getByRole('button', { name: 'Test microphone', exact: true }).click()
    const meter = settings.getByTestId('mic-level')
    await meter.waitFor()
    await expect.poll(async () => Number(await meter.getAttribute('data-level')), { timeout: 5_000 }).toBeGreaterThan(0)
    expect(await settings.getByRole('combobox', { name: 'Microphone', exact: true }).locator('option').count()).toBeGreaterThan(1)
    await widgetScreenshot(sim, 'incall-devices')
    await settings.getByRole('button', { name: 'Stop test', exact: true }).click()
    await meter.waitFor({ state: 'detached' })
  })
})
