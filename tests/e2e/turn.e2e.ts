/**
 * Calls through TURN: coturn on this machine (pbx/kamailio.sh starts it with the Kamailio
 * stack), long-term credentials, and the softphone's test-only `iceTransportPolicy: "relay"`
 * so that the only way for audio to flow is through the relay. The far end is the SIPp callee
 * behind Kamailio + rtpengine (it echoes the agent's RTP). pbx/README.md, "TURN".
 */
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { SippRun } from '../../pbx/kamailioControl'
import { chromium } from 'playwright-core'
import { KAMAILIO_WS_URL, kamailioDown, kamailioRunning, kamailioUp, mediaIp, sippCallee, TURN_PASSWORD, TURN_PORT, TURN_USER, TURNS_PORT, turnCertSpki } from '../../pbx/kamailioControl'
import { chromiumLaunchOptions } from './chromium.mjs'
import type { Simulator } from './browser'
import { mediaReport, openSimulator, saveCall, signIn } from './browser'

const AGENT = '1002'
const FAR_END = '+442079460999'

let browser: Browser
let ip: string
let stackWasRunning = true
let sim: Simulator | undefined
let sipp: SippRun | undefined

beforeAll(async () => {
  stackWasRunning = await kamailioRunning()
  await kamailioUp()
  ip = await mediaIp()
  // turns: is TLS to coturn's self-signed certificate: trust that one key, nothing else.
  const options = chromiumLaunchOptions()
  browser = await chromium.launch({ ...options, args: [...options.args, `--ignore-certificate-errors-spki-list=${await turnCertSpki()}`] })
})

afterEach(async () => {
  await sipp?.stop()
  sipp = undefined
  await sim?.page.context().close()
  sim = undefined
})

afterAll(async () => {
  await browser?.close()
  if (!stackWasRunning)
    await kamailioDown()
})

/** The softphone signed in as 1002 on the Kamailio stack, relay-only through `url`. */
async function relayOnly(url: string, credential = TURN_PASSWORD): Promise<Simulator> {
  const s = await openSimulator(browser, { iframeLocation: 'remote' }, {
    pbxUrl: KAMAILIO_WS_URL,
    sipDomain: '127.0.0.1',
    iceServers: [{ urls: url, username: TURN_USER, credential }],
    iceTransportPolicy: 'relay',
  })
  await s.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(s, AGENT)
  await s.waitForMessage('LOGGED_IN')
  return s
}

interface SelectedPair { localType: string, relayProtocol: string, localUrl: string, remoteAddress: string }

/** The candidate pair the connected peer connection uses, from getStats. */
async function selectedPair(s: Simulator): Promise<SelectedPair | undefined> {
  return s.widgetFrame().evaluate(async () => {
    const media = (window as unknown as { __media: { pcs: RTCPeerConnection[] } }).__media
    for (const pc of media.pcs) {
      if (pc.connectionState !== 'connected')
        continue
      const stats = new Map<string, Record<string, unknown>>()
      ;(await pc.getStats()).forEach((s: Record<string, unknown>) => stats.set(s.id as string, s))
      const transport = [...stats.values()].find(s => s.type === 'transport')
      const pair = stats.get(transport?.selectedCandidatePairId as string)
      const local = stats.get(pair?.localCandidateId as string)
      const remote = stats.get(pair?.remoteCandidateId as string)
      if (local)
        return { localType: String(local.candidateType), relayProtocol: String(local.relayProtocol ?? ''), localUrl: String(local.url ?? ''), remoteAddress: String(remote?.address ?? '') }
    }
    return undefined
  })
}

async function callThroughRelay(s: Simulator): Promise<SelectedPair> {
  sipp = await sippCallee('callee-180-200')
  await s.dial(FAR_END)
  await s.waitForMessage('CALL_ANSWERED')
  const frame = s.widgetFrame()
  const connected = async () => (await mediaReport(frame)).peerConnections.find(pc => pc.connectionState === 'connected')
  await expect.poll(async () => (await connected())?.inboundEnergy ?? 0, { timeout: 15_000 }).toBeGreaterThan(0)
  expect((await connected())?.outboundPackets).toBeGreaterThan(0)
  const pair = await selectedPair(s)
  expect(pair).toBeDefined()
  await s.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
  const ended = await s.waitForMessage('CALL_ENDED')
  expect(ended.data).toMatchObject({ callEndStatus: 'COMPLETED' })
  const r = await sipp.result
  expect(r.passed, `SIPp failed (exit ${r.code}):\n${r.detail}`).toBe(true)
  await saveCall(s)
  return pair!
}

describe('relay only (iceTransportPolicy "relay", a test-only switch)', () => {
  it('turn: over UDP with long-term credentials: audio both ways through the relay', async () => {
    sim = await relayOnly(`turn:${ip}:${TURN_PORT}?transport=udp`)
    const pair = await callThroughRelay(sim)
    console.log(`[turn] turn:/udp selected pair: ${JSON.stringify(pair)}`)
    expect(pair).toMatchObject({ localType: 'relay', relayProtocol: 'udp' })
  })

  it('turns: (TLS over TCP) with long-term credentials: audio both ways through the relay', async () => {
    sim = await relayOnly(`turns:${ip}:${TURNS_PORT}?transport=tcp`)
    const pair = await callThroughRelay(sim)
    console.log(`[turn] turns: selected pair: ${JSON.stringify(pair)}`)
    expect(pair).toMatchObject({ localType: 'relay', relayProtocol: 'tls' })
  })

  it('refused credentials: the call ends FAILED and the wrap-up says the TURN server refused them', async () => {
    sim = await relayOnly(`turn:${ip}:${TURN_PORT}?transport=udp`, 'not-the-password')
    // The INVITE still goes out (with no candidate); the softphone CANCELs it once it rings.
    sipp = await sippCallee('callee-180-cancel')
    const dialed = Date.now()
    await sim.dial(FAR_END)
    const ended = await sim.waitForMessage('CALL_ENDED')
    expect(ended.data).toMatchObject({ callEndStatus: 'FAILED' })
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    const reason = await sim.widget.getByTestId('end-reason').textContent()
    console.log(`[turn] refused credentials: CALL_ENDED after ${((Date.now() - dialed) / 1000).toFixed(1)} s, reason "${reason}"`)
    expect(reason).toMatch(new RegExp(`^Audio could not be connected: no network path: the TURN/STUN server turn:${ip.replace(/\./g, '\\.')}:${TURN_PORT}\\?transport=udp refused the credentials \\(401[^)]*\\)\\.$`))
    const r = await sipp.result
    expect(r.passed, `SIPp failed (exit ${r.code}):\n${r.detail}`).toBe(true)
  })
})
