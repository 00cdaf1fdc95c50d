/**
 * The production build served as admins serve it: the build of `npm run build` (vite.config.ts)
 * behind Debian's nginx over TLS, with the README's server block (production headers, SPA
 * fallback, `wss://…/ws` proxied to Asterisk's plain WebSocket on 127.0.0.1:8088), and a real
 * call through it from the simulator, with no Content-Security-Policy violation.
 *
 * TLS: a throw-away CA made here (tests/e2e/tls.ts) that only this Chromium trusts.
 * The build ships no config.json: nginx's fallback answers it with index.html, so the widget
 * URL's query configures the softphone (pbxUrl = the proxied wss://localhost:<port>/ws).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, ConsoleMessage } from 'playwright-core'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { HUBSPOT_APP_ORIGINS } from '../../src/domain/origins'
import { contentSecurityPolicy } from '../../src/domain/csp'
import { logMarker, PBX_SIP_DOMAIN, TEST_NUMBERS, waitForLog } from '../../pbx/control'
import type { Simulator } from './browser'
import { mediaReport, openSimulator, saveCall, signIn } from './browser'
import { chromiumLaunchOptions } from './chromium.mjs'
import type { RunningNginx } from './nginx'
import { httpsGet, localServerBlock, readmeServerBlock, README_HOST, startNginx } from './nginx'
import type { ThrowAwayPki } from './tls'
import { makeThrowAwayPki } from './tls'

/** nginx's TLS port (`E2E_TLS_PORT`, default 8443). */
const PORT = Number(process.env.E2E_TLS_PORT ?? 8443)
/** The simulator (Vite, http://127.0.0.1:<E2E_PORT>) plays HubSpot and frames the widget. */
const SIMULATOR_ANCESTOR = 'http://127.0.0.1:*'
const AGENT = '1001'

let dir: string
let pki: ThrowAwayPki
let nginx: RunningNginx | undefined
let browser: Browser | undefined
let sim: Simulator
const consoleLines: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'softphone-nginx-'))
  // What `npm run build` makes (vue-tsc aside, which `npm run typecheck` covers): vite.config.ts's build.
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: join(dir, 'www'), emptyOutDir: true } })
  pki = await makeThrowAwayPki(join(dir, 'pki'))
  const block = localServerBlock(await readmeServerBlock(), {
    port: PORT, root: join(dir, 'www'), certificate: pki.fullchainFile, key: pki.keyFile, frameAncestors: [SIMULATOR_ANCESTOR],
  })
  nginx = await startNginx(dir, block, PORT, pki.caFile)
  browser = await chromium.launch({ ...chromiumLaunchOptions(), env: { ...process.env, HOME: pki.chromiumHome } })
})

afterAll(async () => {
  await browser?.close()
  await nginx?.stop()
  if (dir)
    await rm(dir, { recursive: true, force: true })
})

describe('production build behind nginx over TLS', () => {
  it('sends the README\'s headers, and answers unknown paths and the missing config.json with index.html', async () => {
    const index = await httpsGet(`${nginx!.origin}/`, pki.caFile)
    expect(index.status).toBe(200)
    // The README's block carries exactly the policy src/domain/csp.ts builds for its example host.
    expect(index.headers['content-security-policy']).toBe(contentSecurityPolicy({
      pbxUrls: [`wss://localhost:${PORT}/ws`],
      frameAncestors: [SIMULATOR_ANCESTOR, ...HUBSPOT_APP_ORIGINS],
    }))
    expect((await readmeServerBlock())).toContain(`"${contentSecurityPolicy({ pbxUrls: [`wss://${README_HOST}/ws`] })}"`)
    expect(index.headers['permissions-policy']).toBe('microphone=(self), camera=(), geolocation=()')

    for (const path of ['/config.json', '/some/deep/link']) {
      const fallback = await httpsGet(`${nginx!.origin}${path}`, pki.caFile)
      expect(fallback.status).toBe(200)
      expect(fallback.headers['content-type']).toMatch(/^text\/html/)
      expect(fallback.body).toBe(index.body)
      expect(fallback.headers['content-security-policy']).toBe(index.headers['content-security-policy'])
    }
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)![1]!
    const asset = await httpsGet(`${nginx!.origin}${script}`, pki.caFile)
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toBe('application/javascript')
  })

  it('only the Chromium given the throw-away CA trusts the certificate', async () => {
    const untrusting = await chromium.launch(chromiumLaunchOptions())
    try {
      const page = await untrusting.newPage()
      await expect(page.goto(`${nginx!.origin}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/)
    }
    finally {
      await untrusting.close()
    }
  })

  it('a call through nginx: sign in over wss://…/ws, call the echo test number, hang up, save; no CSP violation', async () => {
    const widgetUrl = `${nginx!.origin}/?pbxUrl=wss://localhost:${PORT}/ws&sipDomain=${PBX_SIP_DOMAIN}`
    sim = await openSimulator(browser!, { widget: widgetUrl })
    // Loaded again with the console recorded from the first byte: a violation while loading counts too.
    sim.page.on('console', (message: ConsoleMessage) => consoleLines.push(`${message.type()}: ${message.text()} (${message.location().url})`))
    await sim.page.reload()
    await sim.page.waitForFunction(() => window.__host?.isReady(), undefined, { timeout: 30_000 })
    // The simulator passes its own parameters on (iframeLocation): the widget is nginx's, with ours.
    const loaded = new URL(sim.widgetFrame().url())
    expect(loaded.origin + loaded.pathname).toBe(`${nginx!.origin}/`)
    expect(Object.fromEntries(loaded.searchParams)).toMatchObject({ pbxUrl: `wss://localhost:${PORT}/ws`, sipDomain: PBX_SIP_DOMAIN })
    onTestFailed(async () => {
      console.error(`[production.e2e] widget: ${await sim.widgetFrame().locator('body').innerText().catch(() => '?')}`)
      console.error(`[production.e2e] console:\n${consoleLines.join('\n')}`)
      console.error(`[production.e2e] nginx access log:\n${await readFile(nginx!.accessLog, 'utf8')}`)
      console.error(`[production.e2e] nginx error log:\n${await readFile(nginx!.errorLog, 'utf8')}`)
    })

    // The widget reached the real Asterisk through nginx's proxy: Asterisk has no TLS, yet its
    // REGISTER came over WSS (sip.js's Via for a wss:// URL), so it was nginx that ended TLS.
    const mark = await logMarker()
    await signIn(sim, AGENT)
    await sim.waitForMessage('LOGGED_IN')
    await waitForLog(mark, new RegExp(`REGISTER sip:${PBX_SIP_DOMAIN.replaceAll('.', '\\.')} SIP/2\\.0\\s+Via: SIP/2\\.0/WSS `))
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.widget.getByText('Connected', { exact: true }).waitFor()
    // Media goes straight to Asterisk (ICE, DTLS-SRTP), not through nginx: the echo comes back.
    await expect.poll(async () => (await mediaReport(sim.widgetFrame())).peerConnections.find(pc => pc.connectionState === 'connected')?.inboundEnergy ?? 0, { timeout: 15_000 }).toBeGreaterThan(0)
    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    const ended = await sim.waitForMessage('CALL_ENDED')
    expect(ended.data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall(sim)
    await sim.waitForMessage('CALL_COMPLETED')

    const violations = consoleLines.filter(line => /Content Security Policy|Refused to/i.test(line))
    expect(violations).toEqual([])

    // The check above can fail: a request the policy forbids shows up in the same console.
    const seen = sim.page.waitForEvent('console', { predicate: m => /Content Security Policy/.test(m.text()), timeout: 10_000 })
    await sim.widgetFrame().evaluate(() => {
      void fetch('https://forbidden.example.com/').catch(() => {})
    })
    expect((await seen).text()).toContain('connect-src')

    // nginx logs a proxied WebSocket when it closes: 101 Switching Protocols on /ws.
    await sim.page.context().close()
    await expect.poll(() => readFile(nginx!.accessLog, 'utf8'), { timeout: 15_000 }).toMatch(/"GET \/ws HTTP\/1\.1" 101 /)
    expect(await readFile(nginx!.accessLog, 'utf8')).toMatch(/"GET \/config\.json HTTP\/1\.1" 200 /)
  })
})
