/**
 * Calls survive the network, against the real Asterisk: the softphone reaches the PBX through
 * a WebSocket relay of the test's own (tests/e2e/wsRelay.ts), so the test can cut and restore
 * only the signalling while the call's RTP flows straight between Chromium and Asterisk, see
 * every SIP message with its time, and drop the PBX's ACK. RTP is blocked with nftables on `lo`.
 */
import { execFileSync } from 'node:child_process'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { invitesSince, logMarker, logSince, PBX_SIP_DOMAIN, pbxCli, TEST_NUMBERS } from '../../pbx/control'
import type { HostLogEntry, Simulator } from './browser'
import { launchBrowser, mediaReport, openSimulator, saveCall, signIn } from './browser'
import type { RelayedMessage, WsRelay } from './wsRelay'
import { callIdOf, cseqMethod, sipStart, startWsRelay } from './wsRelay'

const AGENT = '1001'
/** Asterisk's SIP WebSocket (pbx/asterisk/http.conf). */
const PBX_WS = { host: '127.0.0.1', port: 8088 }

let browser: Browser
let relay: WsRelay
let sim: Simulator

async function openAgent(query: Record<string, string> = {}): Promise<Simulator> {
  // 'remote': HubSpot's place for apps with inbound calling (the record-page 'widget' refuses INVITEs).
  const s = await openSimulator(browser, { pbxUrl: relay.url, sipDomain: PBX_SIP_DOMAIN, iframeLocation: 'remote', ...query })
  // E2E_CONSOLE=1: the widget's console (with `debug=1` in the query, sip.js's log) on stdout.
  if (process.env.E2E_CONSOLE === '1')
    s.page.on('console', msg => console.log(`[widget ${Date.now()}] ${msg.text()}`))
  await s.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(s, AGENT)
  await s.waitForMessage('LOGGED_IN')
  return s
}

beforeAll(async () => {
  relay = await startWsRelay(PBX_WS)
  browser = await launchBrowser()
  sim = await openAgent(process.env.E2E_CONSOLE === '1' ? { debug: '1' } : {})
})

afterAll(async () => {
  unblockRtp()
  await browser?.close()
  await relay?.close()
})

const callState = (s: Simulator) => s.widget.getByTestId('call-state')
async function stateIs(s: Simulator, text: string): Promise<void> {
  await callState(s).filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 15_000 })
}
const count = async (s: Simulator, type: string): Promise<number> => (await s.received()).filter(e => e.type === type).length
/** What the widget told HubSpot since `at`, size reports aside (the reconnection banner comes and goes). */
const since = async (s: Simulator, at: number): Promise<HostLogEntry[]> => (await s.received()).filter(e => e.at >= at && e.type !== 'RESIZE_WIDGET')

/** The inbound audio of the call's (newest) peer connection: RTP packets and audio energy. */
async function inbound(s: Simulator): Promise<{ packets: number, energy: number }> {
  const pc = (await mediaReport(s.widgetFrame())).peerConnections.at(-1)
  return { packets: pc?.inboundPackets ?? 0, energy: pc?.inboundEnergy ?? 0 }
}
/** Inbound audio flows now: at least 25 more packets (0.5 s of 20 ms frames) and more energy. */
async function audioFlows(s: Simulator): Promise<number> {
  const start = await inbound(s)
  await expect.poll(async () => {
    const now = await inbound(s)
    return now.packets - start.packets >= 25 && now.energy > start.energy
  }, { timeout: 10_000 }).toBe(true)
  return (await inbound(s)).packets
}

/** The agent's channel at the PBX (`core show channels concise`), or undefined. */
async function agentChannel(): Promise<string | undefined> {
  const out = await pbxCli('core show channels concise')
  return out.split('\n').map(line => line.split('!')[0] ?? '').find(name => name.startsWith(`PJSIP/${AGENT}-`))
}
const pbxChannels = async (): Promise<string> => (await pbxCli('core show channels')).trim()
const noChannelLeft = async (): Promise<boolean> => /^0 active channels/m.test(await pbxChannels())

/** Places an echo call and waits until it is answered and audio flows. Returns its Call-ID. */
async function echoCall(s: Simulator): Promise<string> {
  const answered = await count(s, 'CALL_ANSWERED')
  await s.dial(TEST_NUMBERS.echo.e164)
  const msg = await s.waitForMessage('CALL_ANSWERED', answered + 1)
  await stateIs(s, 'Connected')
  await audioFlows(s)
  return (msg.data as { externalCallId: string }).externalCallId
}

/**
 * The far end's BYE ended the call COMPLETED for HubSpot, over the WebSocket the call was re-bound to;
 * nothing is left at the PBX; the wrap-up is saved.
 */
async function endsCompletedOverTheNewConnection(s: Simulator, call: { endedBefore: number, callId: string, from: number, connection: RelayedMessage['connection'] }): Promise<void> {
  const ended = await s.waitForMessage('CALL_ENDED', call.endedBefore + 1)
  expect(ended.data).toMatchObject({ externalCallId: call.callId, callEndStatus: 'COMPLETED' })
  const bye = relay.messages.slice(call.from).find(m => m.dir === 'down' && sipStart(m.text) === 'BYE' && callIdOf(m.text) === call.callId)
  expect(bye?.connection).toBe(call.connection)
  await expect.poll(noChannelLeft, { timeout: 10_000 }).toBe(true)
  await saveCall(s)
}

const isRebound = (callId: string) => (m: RelayedMessage) =>
  m.dir === 'down' && callIdOf(m.text) === callId && cseqMethod(m.text) === 'INVITE' && /^[2-6]\d\d$/.test(sipStart(m.text))

/** Keeps the scenario's fault in place until `ms` after `since` (the fault's length is the test's input). */
async function holdUntil(since: number, ms: number): Promise<void> {
  const left = since + ms - Date.now()
  if (left > 0)
    await new Promise(resolve => setTimeout(resolve, left))
}

describe('the WebSocket is cut mid-call', () => {
  it.each([5, 20])('cut for %i s: the call goes on (Reconnecting…, audio before, during and after), a later BYE from the far end ends it COMPLETED', async (seconds) => {
    const endedBefore = await count(sim, 'CALL_ENDED')
    const callId = await echoCall(sim)
    const answeredAt = Date.now()
    const timerBefore = await sim.widget.getByRole('timer').textContent()
    const from = relay.messages.length
    const mark = await logMarker(0)

    relay.cut()
    const cutAt = Date.now()
    await stateIs(sim, 'Reconnecting…')
    const during = await audioFlows(sim)
    await holdUntil(cutAt, seconds * 1000)
    expect((await inbound(sim)).packets).toBeGreaterThan(during)
    expect(await sim.widget.getByRole('timer').textContent()).not.toBe(timerBefore)
    expect(await agentChannel()).toBeDefined()

    relay.restore()
    const restoredAt = Date.now()
    const rebound = await relay.waitFor(isRebound(callId), { from, timeoutMs: 15_000 })
    expect(sipStart(rebound.text)).toBe('200')
    await stateIs(sim, 'Connected')
    await audioFlows(sim)
    // Over the new connection: REGISTER first, then the re-INVITE of this call's dialog.
    const up = relay.messages.slice(from).filter(m => m.dir === 'up')
    expect(up.map(m => sipStart(m.text)).filter(x => x === 'REGISTER' || x === 'INVITE').slice(0, 3)).toEqual(['REGISTER', 'REGISTER', 'INVITE'])
    expect(new Set(up.map(m => m.connection)).size).toBe(1)
    expect(up[0]!.connection).toBeGreaterThan(relay.messages[from - 1]?.connection ?? 0)
    const reinvites = (await invitesSince(mark)).filter(i => i.callId === callId)
    expect(reinvites.map(i => i.inDialog)).toEqual([true])
    console.log(`[reconnect] cut ${seconds} s: Reconnecting… shown, audio during the cut; dialog re-bound ${rebound.at - restoredAt} ms after the relay was restored (re-INVITE 200 seen at the relay)`)
    // HubSpot heard nothing about it.
    expect((await since(sim, answeredAt)).map(e => e.type)).toEqual([])

    // The far end hangs up later: its BYE reaches the agent over the new connection.
    const channel = await agentChannel()
    expect(channel).toBeDefined()
    await pbxCli(`channel request hangup ${channel}`)
    await endsCompletedOverTheNewConnection(sim, { endedBefore, callId, from, connection: rebound.connection })
  }, 120_000)

  it('the far end hangs up during the cut: after reconnecting the call ends COMPLETED with talk time to the loss, nothing left at the PBX', async () => {
    const endedBefore = await count(sim, 'CALL_ENDED')
    const callId = await echoCall(sim)
    const answered = (await sim.received()).filter(e => e.type === 'CALL_ANSWERED').at(-1)!
    const from = relay.messages.length

    relay.cut()
    const cutAt = Date.now()
    await stateIs(sim, 'Reconnecting…')
    await pbxCli(`channel request hangup ${await agentChannel()}`)
    await expect.poll(noChannelLeft, { timeout: 10_000 }).toBe(true)
    await holdUntil(cutAt, 3000)
    relay.restore()

    const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
    expect(ended.data).toMatchObject({ externalCallId: callId, callEndStatus: 'COMPLETED' })
    const answer = await relay.waitFor(isRebound(callId), { from })
    console.log(`[reconnect] far end hung up during the cut: the re-INVITE was answered "${answer.text.slice(0, answer.text.indexOf('\r\n'))}"`)
    expect(sipStart(answer.text)).toMatch(/^(481|408)$/)
    expect(await noChannelLeft()).toBe(true)
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    const completedBefore = await count(sim, 'CALL_COMPLETED')
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
    const duration = Number((completed.data as { engagementProperties: { hs_call_duration: string } }).engagementProperties.hs_call_duration)
    // Talk time runs from the answer to the loss, not to the moment the softphone found out.
    expect(duration).toBeLessThanOrEqual(cutAt - answered.at + 500)
    expect(duration).toBeGreaterThan(0)
  }, 60_000)
})

describe('the WebSocket is cut during an inbound call', () => {
  it('cut for 3 s: the answered call goes on, our re-INVITE re-binds the dialog Asterisk started, the caller\'s BYE ends it COMPLETED', async () => {
    const endedBefore = await count(sim, 'CALL_ENDED')
    const answeredBefore = await count(sim, 'CALL_ANSWERED')
    await sim.page.evaluate(a => window.__host.callAgent('1007', a), AGENT)
    await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()
    const answered = await sim.waitForMessage('CALL_ANSWERED', answeredBefore + 1)
    const callId = (answered.data as { externalCallId: string }).externalCallId
    await stateIs(sim, 'Connected')
    await audioFlows(sim)
    const from = relay.messages.length

    relay.cut()
    const cutAt = Date.now()
    await stateIs(sim, 'Reconnecting…')
    await audioFlows(sim)
    await holdUntil(cutAt, 3000)
    relay.restore()

    const rebound = await relay.waitFor(isRebound(callId), { from })
    expect(sipStart(rebound.text)).toBe('200')
    await stateIs(sim, 'Connected')
    await audioFlows(sim)
    await sim.page.evaluate(() => window.__host.callerHangup())
    await endsCompletedOverTheNewConnection(sim, { endedBefore, callId, from, connection: rebound.connection })
  }, 60_000)
})

const RTP_TABLE = 'softphone_e2e_reconnect_rtp'
/** Drops UDP to and from the PBX's RTP ports (pbx/asterisk/rtp.conf: 20000–20999) on `lo` only. */
function blockRtp(): void {
  execFileSync('nft', ['-f', '-'], {
    input: `table inet ${RTP_TABLE} {}
delete table inet ${RTP_TABLE}
table inet ${RTP_TABLE} {
  chain output {
    type filter hook output priority filter; policy accept;
    oifname "lo" udp dport 20000-20999 drop
    oifname "lo" udp sport 20000-20999 drop
  }
}
`,
  })
}
function unblockRtp(): void {
  execFileSync('nft', ['-f', '-'], { input: `table inet ${RTP_TABLE} {}\ndelete table inet ${RTP_TABLE}\n` })
}

describe('the audio path is lost mid-call', () => {
  it('RTP blocked for 3 s: the call stays up and the audio comes back', async () => {
    const endedBefore = await count(sim, 'CALL_ENDED')
    await echoCall(sim)
    try {
      blockRtp()
      const blockedAt = Date.now()
      await holdUntil(blockedAt, 3000)
    }
    finally {
      unblockRtp()
    }
    const restoredAt = Date.now()
    await audioFlows(sim)
    console.log(`[reconnect] RTP blocked 3 s: audio flowing again ${Date.now() - restoredAt} ms after it was let through`)
    await stateIs(sim, 'Connected')
    expect(await count(sim, 'CALL_ENDED')).toBe(endedBefore)
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    expect((await sim.waitForMessage('CALL_ENDED', endedBefore + 1)).data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall(sim)
  }, 60_000)

  it('RTP blocked until ICE reports the path lost: an ICE-restart re-INVITE reaches Asterisk and the audio comes back', async () => {
    const callId = await echoCall(sim)
    const initial = relay.messages.find(m => m.dir === 'up' && sipStart(m.text) === 'INVITE' && callIdOf(m.text) === callId && /a=ice-ufrag:/.test(m.text))
    const ufrag = /a=ice-ufrag:(\S+)/.exec(initial?.text ?? '')?.[1]
    expect(ufrag).toBeDefined()
    const from = relay.messages.length
    const mark = await logMarker(0)
    let restart: RelayedMessage
    try {
      blockRtp()
      const blockedAt = Date.now()
      restart = await relay.waitFor(m => m.dir === 'up' && sipStart(m.text) === 'INVITE' && callIdOf(m.text) === callId, { from, timeoutMs: 30_000 })
      console.log(`[reconnect] RTP blocked: ICE-restart re-INVITE sent ${restart.at - blockedAt} ms after the block (Chromium's ICE 'disconnected')`)
    }
    finally {
      unblockRtp()
    }
    const newUfrag = /a=ice-ufrag:(\S+)/.exec(restart.text)?.[1]
    expect(newUfrag).toBeDefined()
    expect(newUfrag).not.toBe(ufrag)
    const answer = await relay.waitFor(isRebound(callId), { from })
    expect(sipStart(answer.text)).toBe('200')
    // At Asterisk: the in-dialog INVITE with the new ICE credentials.
    await expect.poll(async () => (await invitesSince(mark)).some(i => i.callId === callId && i.inDialog), { timeout: 10_000 }).toBe(true)
    expect(await logSince(mark)).toContain(`a=ice-ufrag:${newUfrag}`)
    const restoredAt = Date.now()
    await audioFlows(sim)
    console.log(`[reconnect] audio flowing again ${Date.now() - restoredAt} ms after RTP was let through (measured to 25 packets received)`)
    await stateIs(sim, 'Connected')
    const endedBefore = await count(sim, 'CALL_ENDED')
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    expect((await sim.waitForMessage('CALL_ENDED', endedBefore + 1)).data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall(sim)
  }, 90_000)
})

describe('the PBX\'s ACK of our 200 OK never arrives', () => {
  it('the call is never reported answered, and ending it (Decline) ends it on screen and for HubSpot at once', async () => {
    const endedBefore = await count(sim, 'CALL_ENDED')
    const answeredBefore = await count(sim, 'CALL_ANSWERED')
    const from = relay.messages.length
    relay.dropDown(text => sipStart(text) === 'ACK')
    try {
      await sim.page.evaluate(a => window.__host.callAgent('1006', a), AGENT)
      await sim.widget.getByRole('button', { name: 'Answer', exact: true }).click()
      const ack = await relay.waitFor(m => m.dir === 'down' && sipStart(m.text) === 'ACK' && m.dropped, { from })
      const callId = callIdOf(ack.text)
      // Not confirmed by an ACK: not answered (RFC 3261 §13.3.1.4), and HubSpot is not told it was.
      expect(await count(sim, 'CALL_ANSWERED')).toBe(answeredBefore)

      const pressed = Date.now()
      await sim.widget.getByRole('button', { name: 'Decline', exact: true }).click()
      await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
      const ended = await sim.waitForMessage('CALL_ENDED', endedBefore + 1)
      console.log(`[reconnect] ACK dropped: Call ended on screen and CALL_ENDED ${ended.at - pressed} ms after Decline`)
      expect(ended.data).toMatchObject({ externalCallId: callId, callEndStatus: 'REJECTED' })
      expect(await count(sim, 'CALL_ANSWERED')).toBe(answeredBefore)
      // The screen did not wait for sip.js's 32 s ACK timeout (an order of magnitude apart).
      expect(ended.at - pressed).toBeLessThan(5000)
      expect(await count(sim, 'CALL_ENDED')).toBe(endedBefore + 1)
    }
    finally {
      relay.dropDown(null)
      await sim.page.evaluate(() => window.__host.callerHangup())
    }
    await saveCall(sim)
  }, 60_000)
})

describe('the WebSocket stays down longer than the limit', () => {
  it('callReconnectSeconds=3: FAILED after 3 s, the BYE once the relay is back, nothing left at the PBX', async () => {
    // One agent, one registration: this test's own widget replaces the first one.
    await sim.page.context().close()
    const s = await openAgent({ callReconnectSeconds: '3' })
    const callId = await echoCall(s)
    const from = relay.messages.length

    relay.cut()
    const cutAt = Date.now()
    await stateIs(s, 'Reconnecting…')
    const ended = await s.waitForMessage('CALL_ENDED')
    console.log(`[reconnect] limit 3 s: CALL_ENDED FAILED ${ended.at - cutAt} ms after the cut`)
    expect(ended.data).toMatchObject({ externalCallId: callId, callEndStatus: 'FAILED' })
    expect(ended.at - cutAt).toBeGreaterThanOrEqual(3000)
    await s.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    // No connection, no BYE yet: the PBX still has the call.
    expect(await agentChannel()).toBeDefined()

    relay.restore()
    const bye = await relay.waitFor(m => m.dir === 'up' && sipStart(m.text) === 'BYE' && callIdOf(m.text) === callId, { from })
    expect(bye.connection).toBeGreaterThan(0)
    await expect.poll(noChannelLeft, { timeout: 10_000 }).toBe(true)
    await s.widget.getByRole('status').filter({ hasText: /^Registered$/ }).waitFor({ timeout: 15_000 })
    expect((await s.received()).filter(e => e.type === 'CALL_ENDED')).toHaveLength(1)
    expect((await s.received()).map(e => e.type)).not.toContain('LOGGED_OUT')
  }, 60_000)
})
