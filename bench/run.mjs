#!/usr/bin/env node
/* global HTMLIFrameElement, Element, Buffer, WebSocket, requestAnimationFrame */
/**
 * `npm run bench`: the softphone's load, sign-in, dial and answer latency, memory over
 * 50 calls and first-load bytes, measured in headless Chromium against the local Asterisk,
 * side by side with a page that bundles only sip.js (bench/baseline). Writes
 * bench/results.json and bench/RESULTS.md and refreshes the table in README.md.
 *
 * Timestamps come from the wire: the widget's WebSocket frames as Chromium sees them
 * (DevTools protocol, Network.webSocketFrameSent/Received) and the host page's receipt of
 * each postMessage (a capturing listener installed before any page script). See RESULTS.md.
 *
 * Env: BENCH_PORT (the static server's port, default 5210; the other ports it opens are the OS's
 * choice), BENCH_RUNS (default 10), BENCH_CALLS (default 30), BENCH_CUTS (WebSocket cuts mid-call,
 * default 5), BENCH_PROFILE_CALLS (calls under the CPU profiler, default 5). The defaults keep the run
 * under two minutes on the 2-core machine; raise them for tighter percentiles.
 *
 * `--day` (npm run bench:day): a working day instead: CPU of a connected call (BENCH_CPU_SECONDS,
 * default 60) beside the baseline, and BENCH_DAY_CALLS (default 500) calls in a row. `--cpu`
 * (development): only that CPU row, BENCH_CPU_RUNS times (ours first, then the baseline first, in
 * turn), with each renderer thread's CPU (Linux's /proc) and the AudioContexts alive in the call,
 * printed; BENCH_CPU_TRACE=1 also writes a Chrome trace of each call to
 * dist-bench/trace-{app,baseline}.json. BENCH_APP_DIR serves another build of the app (e.g. a
 * scratch build with one feature off) instead of dist-bench/app.
 *
 * `--snapshot` (development, writes nothing to the repo): heap snapshots after 1 and after 1 +
 * BENCH_CALLS echo calls of an unminified build; prints what grew (by name, by kind, retained size)
 * and who holds the objects named in BENCH_RETAINERS; BENCH_SNAPSHOT_DIR keeps both snapshots;
 * BENCH_SNAPSHOT_KINDS=echo,busy,inbound makes the calls in turn as the day does.
 * `--stall` (development): the late scenarios' first calls in fresh widgets, BENCH_STALL_ROUNDS times
 * (default 6): a wrap-up whose Save does not bring the dialer back fails with the widget's dump.
 * `--trace` (development): a Chromium trace of BENCH_PROFILE_CALLS calls each; prints the widget
 * renderer's main-thread events in each figure's window and the last window's tasks in order.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import dgram from 'node:dgram'
import net from 'node:net'
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import os from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import sourceMap from 'source-map-js'
import { countsByName, retainedByName, retainerChains, rootPaths, sizesByName, sizesByType } from './heapRetainers.mjs'
import { cutAtMarker, summarizeProfile } from './profile.mjs'
import { CHROMIUM_PATH, chromiumLaunchOptions } from '../tests/e2e/chromium.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const APP_DIR = process.env.BENCH_APP_DIR ?? join(ROOT, 'dist-bench/app')
const HARNESS_DIR = join(ROOT, 'dist-bench/harness')
const PORT = Number(process.env.BENCH_PORT ?? 5210)
const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const CALLS = Number(process.env.BENCH_CALLS ?? 30)
/** The baseline's unreachable-STUN runs: each is sip.js's own 5 s ICE gathering timeout, one shows it (two minutes in all). */
const BASELINE_STUN_RUNS = 1
/** Our inbound answers with the unreachable STUN server. */
const OURS_INBOUND_STUN_RUNS = 3
const PROFILE_CALLS = Number(process.env.BENCH_PROFILE_CALLS ?? 5)
/** Development (--calls): 200 OK → CALL_ANSWERED split at the widget's postMessage, by a probe in the bench's bundle. */
const PROBE = process.env.BENCH_PROBE === '1'
const CUTS = Number(process.env.BENCH_CUTS ?? 5)
/** How long each mid-call WebSocket cut lasts. */
const CUT_MS = 2000
/** Asterisk answers at once and echoes (pbx/README.md, 600). */
const ECHO = '+442079460600'
/**
 * A callee who picks up (pbx/README.md, 609): 180 Ringing, the 200 OK 250 ms later, then the echo.
 * The timed calls go here: the answer then comes once the dial's own work is over, as with a person,
 * and the call rings first, as every real call does (BENCH_NUMBER overrides it, for experiments).
 */
const PICKUP = process.env.BENCH_NUMBER ?? '+442079460609'
const PBX_WS = 'ws://127.0.0.1:8088/ws'
const EXT = { app: '1008', baseline: '1009', stun: '1010' }

if (!Number.isInteger(PORT) || PORT < 1024 || PORT > 65535)
  throw new Error(`BENCH_PORT must be a TCP port 1024–65535, not ${process.env.BENCH_PORT}.`)

// ------------------------------------------------------------------ build + serve

function build() {
  const vite = join(ROOT, 'node_modules/.bin/vite')
  console.log('[bench] building the production bundle and the bench pages …')
  // The app exactly as `npm run build` bundles it (same config), into its own directory.
  // Hidden source maps (no sourceMappingURL comment, so the bundle's bytes are unchanged): the
  // CPU profile's call frames are mapped back to the original files with them. The heap
  // snapshot mode builds it unminified, so a retainer chain names sip.js's and our classes.
  const minify = process.argv.includes('--snapshot') ? ['--minify', 'false'] : []
  // BENCH_PROBE=1 (development): the bundle gains a probe after each message to HubSpot (src/hubspot/benchProbe.ts).
  const env = PROBE ? { ...process.env, VITE_BENCH_PROBE: '1' } : process.env
  execFileSync(vite, ['build', '--logLevel', 'warn', '--outDir', 'dist-bench/app', '--emptyOutDir', '--sourcemap', 'hidden', ...minify], { cwd: ROOT, stdio: 'inherit', env })
  execFileSync(vite, ['build', '--config', 'bench/vite.bench.config.ts'], { cwd: ROOT, stdio: 'inherit' })
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' }
const CONFIG = JSON.stringify({ pbxUrl: PBX_WS, sipDomain: '127.0.0.1', iceServers: [], defaultCountry: 'GB', ringTimeoutSeconds: 45, debug: false })

function serve() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    res.setHeader('Cache-Control', 'no-store')
    if (path === '/config.json') {
      res.setHeader('Content-Type', 'application/json')
      res.end(CONFIG)
      return
    }
    const harness = path.startsWith('/dev/') || path.startsWith('/bench/') || path.startsWith('/bench-assets/')
    let file = normalize(join(harness ? HARNESS_DIR : APP_DIR, path))
    if (path.endsWith('/'))
      file = join(file, 'index.html')
    if (!file.startsWith(harness ? HARNESS_DIR : APP_DIR) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404
      res.end('not found')
      return
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream')
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(PORT, '127.0.0.1', () => resolve(server))
  })
}

/** A UDP port that swallows everything: a STUN server that never answers. */
function blackHole() {
  const socket = dgram.createSocket('udp4')
  return new Promise((resolve) => {
    socket.bind(0, '0.0.0.0', () => {
      const address = Object.values(os.networkInterfaces()).flat()
        .find(i => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1'
      resolve({ socket, url: `stun:${address}:${socket.address().port}` })
    })
  })
}

/**
 * A TCP relay in front of Asterisk's WebSocket port that can cut the signalling (reset every
 * connection, refuse new ones) and restore it; RTP does not go through it.
 */
function wsRelay() {
  const open = new Set()
  let refusing = false
  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy()
      return
    }
    const upstream = net.connect(8088, '127.0.0.1')
    open.add(client)
    open.add(upstream)
    const close = () => {
      open.delete(client)
      open.delete(upstream)
      client.destroy()
      upstream.destroy()
    }
    for (const socket of [client, upstream]) {
      socket.on('error', close)
      socket.on('close', close)
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `ws://127.0.0.1:${server.address().port}/ws`,
      cut() {
        refusing = true
        for (const socket of [...open])
          socket.resetAndDestroy()
        open.clear()
      },
      restore() {
        refusing = false
      },
      close: () => server.close(),
    }))
  })
}

// ------------------------------------------------------------------ browser


/**
 * Runs in every frame before its scripts. Host frame: the precise receipt time of each
 * postMessage and of the iframe's load event. Widget frame: sign-in clicks, and weak
 * references to every peer connection and microphone stream (weak, so counting them
 * does not keep 50 calls' worth of objects alive and skew the heap figure).
 */
function instrument({ trackTimers = false, probe = false } = {}) {
  const now = () => performance.timeOrigin + performance.now()
  if (window === window.top) {
    window.__benchIn = []
    window.__benchLoads = []
    window.addEventListener('message', (event) => {
      const type = event.data && typeof event.data.type === 'string' ? event.data.type : null
      if (type)
        window.__benchIn.push({ type, t: now() })
    }, true)
    document.addEventListener('load', (event) => {
      if (event.target instanceof HTMLIFrameElement)
        window.__benchLoads.push(now())
    }, true)
    // The host page's own pointer events (a click meant for the widget that landed here) and where
    // the widget's iframe was then, for a stall's dump.
    const hostEvents = []
    window.__benchHostEvents = hostEvents
    for (const type of ['pointerdown', 'pointerup', 'click', 'resize', 'scroll']) {
      window.addEventListener(type, (event) => {
        const frame = document.querySelector('iframe')?.getBoundingClientRect()
        const target = event.target instanceof Element ? `${event.target.tagName.toLowerCase()}#${event.target.id}.${String(event.target.className).split(' ').join('.')}` : String(event.target)
        hostEvents.push({ type, t: now(), target, x: event.clientX, y: event.clientY, scrollY: window.scrollY, iframe: frame ? [Math.round(frame.x), Math.round(frame.y), Math.round(frame.width), Math.round(frame.height)] : null })
        if (hostEvents.length > 40)
          hostEvents.shift()
      }, true)
    }
    return
  }
  window.__benchLongTasks = []
  try {
    new window.PerformanceObserver(list => window.__benchLongTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true })
  }
  catch {
    // no long task timing in this browser
  }
  // The last pointer, focus, scroll and resize events with their targets (a stall's dump reads them).
  const uiEvents = []
  window.__benchUiEvents = uiEvents
  const describe = (target) => {
    if (!(target instanceof Element))
      return target === window ? 'window' : target === document ? 'document' : String(target)
    const text = (target.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30)
    return `${target.tagName.toLowerCase()}${target.className && typeof target.className === 'string' ? `.${target.className.split(' ').join('.')}` : ''}${text ? ` "${text}"` : ''}`
  }
  const saveRect = () => {
    const button = [...document.querySelectorAll('button')].find(b => (b.textContent ?? '').trim() === 'Save call')
    if (!button)
      return null
    const r = button.getBoundingClientRect()
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]
  }
  for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'submit', 'focusin', 'scroll', 'resize']) {
    window.addEventListener(type, (event) => {
      uiEvents.push({ type, t: now(), target: describe(event.target), x: event.clientX, y: event.clientY, scrollY: window.scrollY, innerHeight: window.innerHeight, save: saveRect() })
      if (uiEvents.length > 60)
        uiEvents.shift()
    }, true)
  }
  window.__benchClicks = []
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null
    if (button)
      window.__benchClicks.push({ name: (button.textContent ?? '').trim(), t: now() })
  }, true)
  if (trackTimers) {
    // bench:day only (it wraps every timer): intervals not cleared, timeouts neither fired nor cleared.
    const intervals = new Set()
    const timeouts = new Set()
    const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = window
    window.setInterval = function (...args) {
      const id = si.apply(this, args)
      intervals.add(id)
      return id
    }
    window.setTimeout = function (handler, ...args) {
      if (typeof handler !== 'function')
        return st.call(this, handler, ...args)
      let id
      const wrapped = function (...params) {
        timeouts.delete(id)
        return handler.apply(this, params)
      }
      id = st.call(this, wrapped, ...args)
      timeouts.add(id)
      return id
    }
    // The two clear functions share one id space in browsers: either clears either.
    const clear = native => function (id) {
      intervals.delete(id)
      timeouts.delete(id)
      return native.call(this, id)
    }
    window.clearInterval = clear(ci)
    window.clearTimeout = clear(ct)
    window.__benchTimers = () => ({ intervals: intervals.size, timeouts: timeouts.size })
  }
  if (probe) {
    // BENCH_PROBE=1: when each message to HubSpot left the widget (the bench build's probe calls this).
    window.__benchSent = []
    window.__benchProbe = type => window.__benchSent.push({ type, t: now() })
  }
  // The last call's set-up, stamped (--calls prints it): where DIAL_NUMBER → INVITE goes.
  const trace = []
  const mark = label => trace.length < 200 && trace.push([label, now()])
  window.__benchTrace = () => trace.splice(0)
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'DIAL_NUMBER')
      mark('DIAL_NUMBER received')
  }, true)
  const pcs = []
  const streams = []
  const Original = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      mark('RTCPeerConnection')
      super(...args)
      pcs.push(new WeakRef(this))
      this.addEventListener('icecandidate', e => mark(`candidate ${e.candidate ? e.candidate.type : 'end'}`))
      this.addEventListener('icegatheringstatechange', () => mark(`gathering ${this.iceGatheringState}`))
    }

    async createOffer(...args) {
      mark('createOffer')
      const offer = await super.createOffer(...args)
      mark('createOffer done')
      return offer
    }

    async setLocalDescription(...args) {
      mark('setLocalDescription')
      const result = await super.setLocalDescription(...args)
      mark('setLocalDescription done')
      return result
    }
  }
  const devices = navigator.mediaDevices
  const getUserMedia = devices.getUserMedia.bind(devices)
  devices.getUserMedia = async (constraints) => {
    mark('getUserMedia')
    const stream = await getUserMedia(constraints)
    mark('getUserMedia done')
    streams.push(new WeakRef(stream))
    return stream
  }
  // The longest stretch without an inbound audio packet while a measurement runs: every 20 ms,
  // the stats report's own time minus its inbound-rtp lastPacketReceivedTimestamp (same clock).
  const gap = { max: 0, timer: undefined }
  window.__benchGapStart = () => {
    gap.max = 0
    clearInterval(gap.timer)
    gap.timer = setInterval(async () => {
      const pc = pcs.map(r => r.deref()).filter(p => p && p.connectionState !== 'closed').at(-1)
      if (!pc)
        return
      const report = await pc.getStats()
      report.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.lastPacketReceivedTimestamp)
          gap.max = Math.max(gap.max, s.timestamp - s.lastPacketReceivedTimestamp)
      })
    }, 20)
  }
  window.__benchGapStop = () => {
    clearInterval(gap.timer)
    return gap.max
  }
  window.__benchMedia = () => ({
    openPeerConnections: pcs.map(r => r.deref()).filter(pc => pc && pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length,
    liveTracks: streams.map(r => r.deref()).filter(Boolean).flatMap(s => s.getTracks()).filter(t => t.readyState === 'live').length,
  })
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

async function waitUntil(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value)
      return value
    if (Date.now() > deadline)
      throw new Error(`[bench] timed out waiting for ${what}`)
    await sleep(2)
  }
}

/** How long a Save may take to bring the dialer back before the bench calls it a stall and dumps the widget. */
const SAVE_TIMEOUT_MS = 30_000

/**
 * Saves the wrap-up (the Save call click) and waits for the dialer. A stall (no dialer within
 * SAVE_TIMEOUT_MS) still fails the run, but first prints why: the widget's text and DOM, its stores'
 * state, its and the host's console, the host's SDK message log and the last SIP frames.
 *
 * A click Chromium delivered to the host page instead of the widget is clicked again (at most twice,
 * each said): right after HubSpot resized the widget's frame (it is out of process), Chromium can route
 * the pointer by the frame's old size, and Playwright counts a click that never reached the frame as
 * done. Only a click the widget got counts; a Save the widget got that does not bring the dialer back
 * is a stall.
 */
async function saveWrapUp(w, label) {
  const save = w.widget.getByRole('button', { name: 'Save call', exact: true })
  const dialer = w.widget.getByRole('button', { name: 'Call', exact: true })
  const saveClicks = () => w.frame.evaluate(() => window.__benchClicks.filter(c => c.name === 'Save call').length)
  try {
    for (let attempt = 1; ; attempt++) {
      const before = await saveClicks()
      await save.click({ timeout: SAVE_TIMEOUT_MS })
      const reached = await waitUntil(async () => await saveClicks() > before || await dialer.isVisible(), 'the Save click in the widget', 1000).catch(() => false)
      if (reached || attempt === 3 || !await save.isVisible())
        break
      const host = await w.page.evaluate(() => ({
        click: (window.__benchHostEvents ?? []).filter(e => e.type === 'click').slice(-1).map(e => `${e.target} @${e.x},${e.y}, the frame at ${JSON.stringify(e.iframe)}`)[0] ?? 'none',
        heights: (window.__hostLog ?? []).filter(e => e.type === 'RESIZE_WIDGET').slice(-4).map(e => e.data?.height),
      }))
      console.log(`[bench] ${label}: the Save click never reached the widget (the host page's last click: ${host.click}; the last heights asked for: ${host.heights.join(' → ')}); clicking again`)
    }
    await dialer.waitFor({ timeout: SAVE_TIMEOUT_MS })
  }
  catch (error) {
    const dump = await stallDump(w).catch(dumpError => `(the dump failed: ${dumpError.message})`)
    throw new Error(`[bench] ${label}: the Save did not bring the dialer back within ${SAVE_TIMEOUT_MS / 1000} s\n${dump}`, { cause: error })
  }
}

async function stallDump(w) {
  const safe = async (what, run) => {
    try {
      return await run()
    }
    catch (error) {
      return `(${what} unavailable: ${error.message})`
    }
  }
  const widget = await safe('widget', () => w.frame.evaluate(() => {
    const seen = new WeakSet()
    const replacer = (_key, value) => {
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value))
          return '[seen]'
        seen.add(value)
      }
      return typeof value === 'function' ? '[function]' : value
    }
    const app = document.getElementById('app')?.__vue_app__
    const pinia = app?.config.globalProperties.$pinia
    const storage = {}
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i)
        storage[key] = (localStorage.getItem(key) ?? '').slice(0, 400)
      }
    }
    catch {
      // storage denied: nothing to show
    }
    const save = [...document.querySelectorAll('button')].find(b => (b.textContent ?? '').trim() === 'Save call')
    const rect = save?.getBoundingClientRect()
    return {
      layout: { innerHeight: window.innerHeight, scrollY: window.scrollY, scrollHeight: document.documentElement.scrollHeight, save: rect ? [rect.x, rect.y, rect.width, rect.height] : null, active: document.activeElement?.outerHTML.slice(0, 120) ?? null },
      uiEvents: (window.__benchUiEvents ?? []).map(e => `${new Date(e.t).toISOString()} ${e.type} ${e.target} @${e.x ?? ''},${e.y ?? ''} scrollY ${e.scrollY} innerHeight ${e.innerHeight} save ${JSON.stringify(e.save)}`),
      dataset: { ...document.documentElement.dataset },
      text: document.body.innerText,
      html: document.getElementById('app')?.innerHTML.slice(0, 6000) ?? '',
      stores: pinia ? JSON.stringify(pinia.state.value, replacer, 1).slice(0, 20_000) : '(no pinia)',
      localStorage: storage,
      cookie: document.cookie.slice(0, 1000),
    }
  }))
  const hostLog = await safe('host log', () => w.page.evaluate(() => (window.__hostLog ?? []).slice(-40).map(e => `${new Date(e.at).toISOString()} ${e.dir} ${e.type} ${String(JSON.stringify(e.data)).slice(0, 300)}`)))
  const hostEvents = await safe('host events', () => w.page.evaluate(() => {
    const frame = document.querySelector('iframe')?.getBoundingClientRect()
    return [
      `now: iframe ${JSON.stringify(frame ? [frame.x, frame.y, frame.width, frame.height] : null)} scrollY ${window.scrollY} status "${document.getElementById('status')?.textContent ?? ''}"`,
      ...(window.__benchHostEvents ?? []).map(e => `${new Date(e.t).toISOString()} ${e.type} ${e.target} @${e.x ?? ''},${e.y ?? ''} scrollY ${e.scrollY} iframe ${JSON.stringify(e.iframe)}`),
    ]
  }))
  const shot = join(ROOT, `dist-bench/stall-${Date.now()}.png`)
  const screenshot = await safe('screenshot', async () => {
    await w.page.screenshot({ path: shot, fullPage: true })
    return shot
  })
  const sip = w.frames.slice(-12).map(f => `${f.dir} ${f.data.split('\r\n')[0]}`)
  return [
    `[stall] now ${new Date().toISOString()}; the host page: ${screenshot}`,
    `[stall] widget: ${typeof widget === 'string' ? widget : JSON.stringify({ dataset: widget.dataset, layout: widget.layout, text: widget.text }, null, 1)}`,
    ...(typeof widget === 'string' ? [] : [`[stall] widget events (last 60):\n  ${widget.uiEvents.join('\n  ')}`]),
    ...(typeof widget === 'string' ? [] : [`[stall] widget DOM: ${widget.html}`, `[stall] stores: ${widget.stores}`, `[stall] widget localStorage: ${JSON.stringify(widget.localStorage, null, 1)}`, `[stall] cookie: ${widget.cookie}`]),
    `[stall] host log (last 40):\n  ${Array.isArray(hostLog) ? hostLog.join('\n  ') : hostLog}`,
    `[stall] host page events:\n  ${Array.isArray(hostEvents) ? hostEvents.join('\n  ') : hostEvents}`,
    `[stall] console (last 60):\n  ${w.consoleLines.slice(-60).join('\n  ')}`,
    `[stall] last SIP frames:\n  ${sip.join('\n  ')}`,
  ].join('\n')
}

/**
 * Issue 11: HubSpot's DIAL_NUMBER in a tab whose frame does not hold the phone (a mirror, src/frames/)
 * → the INVITE on the wire from the frame that does, in one browser profile with two HubSpot tabs
 * (calling remotes). Also 200 OK → CALL_ANSWERED and BYE → CALL_ENDED at the mirror's HubSpot (the
 * dialing tab reports the call).
 */
async function mirrorCalls(browser, extension, count) {
  const owner = await openWidget(browser, 'app', { iframeLocation: 'remote' })
  await owner.waitForHost('INITIALIZED', 1)
  await signIn(owner, extension)
  const mirror = await openWidget(browser, 'app', { iframeLocation: 'remote' }, { shared: owner.context })
  await mirror.waitForHost('INITIALIZED', 1)
  await mirror.page.evaluate(() => window.__host.setReplyDelay(0))
  await mirror.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  if (await owner.frame.evaluate(() => document.documentElement.dataset.phone) !== 'owner')
    throw new Error('[bench] the first tab does not hold the phone')
  const dial = []
  const answered = []
  const ended = []
  for (let i = 1; i <= count; i++) {
    const mark = owner.frames.length
    const sentAt = await mirror.page.evaluate((n) => {
      const t = performance.timeOrigin + performance.now()
      return window.__host.dial(n) ? t : null
    }, ECHO)
    if (sentAt === null)
      throw new Error('[bench] the mirror\'s host could not send DIAL_NUMBER')
    const answeredAt = await mirror.waitForHost('CALL_ANSWERED', i)
    await mirror.page.evaluate(() => window.__host.endCall())
    const endedAt = await mirror.waitForHost('CALL_ENDED', i)
    const invite = findFrame(owner.frames, mark, 'sent', d => d.startsWith('INVITE '))
    const ok = findFrame(owner.frames, mark, 'received', isInvite200)
    const bye = await waitUntil(() => findFrame(owner.frames, mark, 'sent', d => d.startsWith('BYE ')), 'the BYE frame')
    if (!invite || !ok)
      throw new Error(`[bench] mirror call ${i}: no INVITE or no 200 OK on the wire`)
    dial.push(owner.wall(invite) - sentAt)
    answered.push(answeredAt - owner.wall(ok))
    ended.push(endedAt - owner.wall(bye))
    await saveWrapUp(mirror, `mirror call ${i}`)
  }
  await owner.close()
  return { dial, answered, ended }
}

/**
 * Opens a host page (simulator or baseline host) in a fresh context (cold cache), waits for
 * the widget frame and attaches a DevTools session to it (it is an out-of-process iframe:
 * 127.0.0.1 and localhost are different sites) that records every WebSocket frame.
 */
async function openWidget(browser, kind, query = {}, { trackTimers = false, shared = undefined } = {}) {
  // `shared`: another HubSpot tab in the same browser profile (context) as an open widget.
  const context = shared ?? await browser.newContext()
  if (!shared)
    await context.addInitScript(instrument, { trackTimers, probe: PROBE })
  const page = await context.newPage()
  page.on('pageerror', error => console.error(`[bench:${kind} page error]`, error.message))
  // The last console lines of the page and its widget frame, for a stall's dump (saveWrapUp).
  const consoleLines = []
  page.on('console', (message) => {
    consoleLines.push(`${new Date().toISOString()} ${message.type()} ${message.location().url?.includes(`localhost:${PORT}`) ? '[widget]' : '[host]'} ${message.text()}`)
    if (consoleLines.length > 300)
      consoleLines.shift()
  })
  const requests = []
  context.on('requestfinished', request => requests.push(request.url()))
  const url = new URL(kind === 'app' ? '/dev/host/' : '/bench/baseline/host.html', `http://127.0.0.1:${PORT}`)
  // The simulator's stand-alone page (one frame, the record-page widget), as the figures were always
  // measured: its default, a HubSpot tab with a calling window, would open a second app for each dial.
  if (kind === 'app')
    url.searchParams.set('iframeLocation', 'widget')
  for (const [key, value] of Object.entries(query))
    url.searchParams.set(key, value)
  await page.goto(url.href)
  const frame = await waitUntil(() => page.frames().find(f => f !== page.mainFrame() && f.url().startsWith(`http://localhost:${PORT}/`)), 'the widget frame')
  await frame.waitForLoadState('load')
  const cdp = await context.newCDPSession(frame)
  const frames = []
  let offsetMs = null
  cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => {
    // The one event carrying both clocks: monotonic `timestamp` and wall-clock `wallTime`.
    offsetMs = e.wallTime * 1000 - e.timestamp * 1000
  })
  cdp.on('Network.webSocketFrameSent', e => frames.push({ dir: 'sent', ts: e.timestamp, data: e.response.payloadData }))
  cdp.on('Network.webSocketFrameReceived', e => frames.push({ dir: 'received', ts: e.timestamp, data: e.response.payloadData }))
  await cdp.send('Network.enable')
  const wall = f => f.ts * 1000 + offsetMs
  const hostIn = () => page.evaluate(() => window.__benchIn.map(m => ({ ...m })))
  const waitForHost = async (type, count) => {
    await page.waitForFunction(([t, n]) => window.__benchIn.filter(m => m.type === t).length >= n, [type, count], { timeout: 20_000, polling: 1 })
    return (await hostIn()).filter(m => m.type === type)[count - 1].t
  }
  const widget = page.frameLocator('iframe')
  /** A wall-clock ms (as `wall` gives) on the renderer's monotonic clock, in µs (CPU profiles use it). */
  const monotonicUs = wallMs => (wallMs - offsetMs) * 1000
  return { kind, context, page, frame, widget, cdp, frames, consoleLines, wall, monotonicUs, hostIn, waitForHost, requests, close: () => shared ? page.close() : context.close() }
}

function findFrame(frames, from, dir, test) {
  for (let i = from; i < frames.length; i++) {
    if (frames[i].dir === dir && test(frames[i].data))
      return frames[i]
  }
  return undefined
}

const isRegister200 = d => /^SIP\/2\.0 200/.test(d) && /^CSeq:\s*\d+\s+REGISTER/im.test(d)
const isInvite200 = d => /^SIP\/2\.0 200/.test(d) && /^CSeq:\s*\d+\s+INVITE/im.test(d)

async function signIn(w, extension) {
  await w.widget.getByLabel('Extension', { exact: true }).fill(extension)
  await w.widget.getByLabel('Password', { exact: true }).fill(`test${extension}`)
  const mark = w.frames.length
  await w.widget.getByRole('button', { name: 'Sign in', exact: true }).click()
  const ok = await waitUntil(() => findFrame(w.frames, mark, 'received', isRegister200), 'REGISTER 200')
  const clicks = await w.frame.evaluate(() => window.__benchClicks)
  return w.wall(ok) - clicks.filter(c => /sign in/i.test(c.name)).at(-1).t
}

// ------------------------------------------------------------------ statistics

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = p => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
  const round = v => Math.round(v * 100) / 100
  return { n: sorted.length, median: round(rank(0.5)), p95: round(rank(0.95)), min: round(sorted[0]), max: round(sorted.at(-1)) }
}

// ------------------------------------------------------------------ scenarios

/** Cold load → INITIALIZED, then sign-in → REGISTER 200, RUNS times in fresh contexts. */
async function loadAndRegister(browser, kind, extension) {
  const load = []
  const navigation = []
  const register = []
  const phases = { configAfterLoad: [], initializedAfterConfig: [] }
  let bytes
  for (let i = 0; i < RUNS; i++) {
    const w = await openWidget(browser, kind)
    if (kind === 'app') {
      const initialized = await w.waitForHost('INITIALIZED', 1)
      const [iframeLoad] = await w.page.evaluate(() => window.__benchLoads)
      const timeOrigin = await w.frame.evaluate(() => performance.timeOrigin)
      load.push(initialized - iframeLoad)
      navigation.push(initialized - timeOrigin)
      // Where the time goes, on the widget's own clock: its load event, config.json's arrival.
      const marks = await w.frame.evaluate(() => ({
        loadEventStart: performance.getEntriesByType('navigation')[0]?.loadEventStart ?? null,
        configEnd: performance.getEntriesByType('resource').find(e => e.name.endsWith('/config.json'))?.responseEnd ?? null,
        sipEnd: performance.getEntriesByType('resource').find(e => e.name.includes('/createSipPhone'))?.responseEnd ?? null,
        longTasks: (window.__benchLongTasks ?? []).map(t => [Math.round(t.startTime), Math.round(t.duration)]),
      }))
      if (process.argv.includes('--load'))
        console.log(`[bench]   load ${marks.loadEventStart?.toFixed(0)} config ${marks.configEnd?.toFixed(0)} sip chunk ${marks.sipEnd?.toFixed(0)} INITIALIZED ${(initialized - timeOrigin).toFixed(0)} long tasks ${JSON.stringify(marks.longTasks)}`)
      if (marks.loadEventStart !== null && marks.configEnd !== null) {
        phases.configAfterLoad.push(marks.configEnd - marks.loadEventStart)
        phases.initializedAfterConfig.push(initialized - timeOrigin - marks.configEnd)
      }
      if (i === 0) {
        // Everything the widget fetched up to sign-in, incl. the sip.js chunk loading in parallel.
        await sleep(200)
        bytes = firstLoadBytes(w.requests)
      }
    }
    register.push(await signIn(w, extension))
    await w.close()
  }
  return { load, navigation, register, bytes, phases }
}

/**
 * `count` calls to the echo number in one signed-in widget: dial, answer, hang up (and save the wrap-up).
 * With `profile`, `warmUp` calls first, then the V8 CPU profiler samples the widget's renderer
 * (every 100 µs) through the measured calls; the windows 200 OK → CALL_ANSWERED and BYE →
 * CALL_ENDED come back on the profile's clock.
 */
async function calls(browser, kind, extension, count, query = {}, memoryAt = [], { profile = false, warmUp = 0, trace = false, number = PICKUP } = {}) {
  const w = await openWidget(browser, kind, query)
  if (kind === 'app') {
    await w.waitForHost('INITIALIZED', 1)
    await w.page.evaluate(() => window.__host.setReplyDelay(0))
  }
  await signIn(w, extension)
  const dial = []
  const answered = []
  const ended = []
  const memory = []
  if (memoryAt.length > 0)
    memory.push({ afterCalls: 0, ...await memorySample(w) })
  const windows = { dial: [], answered: [], ended: [] }
  const inviteToOk = []
  const posted = []
  let lastTrace = ''
  for (let i = 1; i <= warmUp + count; i++) {
    if (trace && i === warmUp + 1)
      trace = await startTracing(browser)
    if (profile && i === warmUp + 1) {
      await w.cdp.send('Profiler.enable')
      await w.cdp.send('Profiler.setSamplingInterval', { interval: 100 })
      await w.cdp.send('Profiler.start')
    }
    // Both widgets settle first (a frame, then a task): HubSpot's next DIAL_NUMBER comes when the
    // agent clicks, not within the millisecond the dialer is back from the last call's Save, and
    // the figure is the dial's own path, not the tail of the previous wrap-up.
    await w.frame.evaluate(() => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0))))
    const mark = w.frames.length
    const sentAt = await w.page.evaluate(([app, n]) => {
      const t = performance.timeOrigin + performance.now()
      const ok = app ? window.__host.dial(n) : (window.__baseline.dial(n), true)
      return ok ? t : null
    }, [kind === 'app', number])
    if (sentAt === null)
      throw new Error('[bench] the host could not send DIAL_NUMBER')
    const answeredAt = await w.waitForHost('CALL_ANSWERED', i)
    await w.page.evaluate(app => app ? window.__host.endCall() : window.__baseline.endCall(), kind === 'app')
    const endedAt = await w.waitForHost('CALL_ENDED', i)
    const invite = findFrame(w.frames, mark, 'sent', d => d.startsWith('INVITE '))
    const ok = findFrame(w.frames, mark, 'received', isInvite200)
    const bye = await waitUntil(() => findFrame(w.frames, mark, 'sent', d => d.startsWith('BYE ')), 'the BYE frame')
    if (!invite || !ok)
      throw new Error(`[bench] call ${i}: no INVITE or no 200 OK on the wire`)
    const setUp = await w.frame.evaluate(() => window.__benchTrace())
    lastTrace = [...setUp.map(([label, t]) => `${label} ${(t - sentAt).toFixed(1)}`), `INVITE sent ${(w.wall(invite) - sentAt).toFixed(1)}`].join(', ')
    if (i > warmUp) {
      inviteToOk.push(w.wall(ok) - w.wall(invite))
      dial.push(w.wall(invite) - sentAt)
      answered.push(answeredAt - w.wall(ok))
      ended.push(endedAt - w.wall(bye))
      windows.dial.push({ from: w.monotonicUs(sentAt), to: w.monotonicUs(w.wall(invite)) })
      windows.answered.push({ from: w.monotonicUs(w.wall(ok)), to: w.monotonicUs(answeredAt) })
      windows.ended.push({ from: w.monotonicUs(w.wall(bye)), to: w.monotonicUs(endedAt) })
    }
    if (PROBE) {
      const sent = (await w.frame.evaluate(() => window.__benchSent.splice(0))).find(m => m.type === 'CALL_ANSWERED')
      if (sent && i > warmUp)
        posted.push({ widget: sent.t - w.wall(ok), host: answeredAt - sent.t })
    }
    if (kind === 'app') {
      await saveWrapUp(w, `${kind} call ${i}${profile ? ' (profiled)' : ''}${query.iceServers ? ' (unreachable STUN)' : ''}`)
    }
    if (memoryAt.includes(i))
      memory.push({ afterCalls: i, ...await memorySample(w) })
  }
  const cpuProfile = profile ? (await w.cdp.send('Profiler.stop')).profile : undefined
  const traceEvents = trace ? await stopTracing(trace) : undefined
  await w.close()
  return { dial, answered, ended, inviteToOk, posted, lastTrace, memory, windows, cpuProfile, traceEvents }
}

/**
 * `count` inbound calls: the host's caller (1006, bare sip.js in the host page) calls the agent,
 * the agent clicks Answer; figure: the click (capturing listener in the widget) → our 200 OK
 * on the wire. Then the caller hangs up (and the softphone's wrap-up is saved).
 */
async function inbound(browser, kind, extension, count, query = {}) {
  // HubSpot's remote (not the record-page widget, where INVITEs are refused 480).
  const w = await openWidget(browser, kind, { iframeLocation: 'remote', ...query })
  const app = kind === 'app'
  if (app) {
    await w.waitForHost('INITIALIZED', 1)
    await w.page.evaluate(() => window.__host.setReplyDelay(0))
  }
  await signIn(w, extension)
  const answerButton = w.widget.getByRole('button', { name: 'Answer', exact: true })
  const answer = []
  for (let i = 1; i <= count; i++) {
    const mark = w.frames.length
    await w.page.evaluate(([isApp, agent]) => (isApp ? window.__host : window.__baseline).callAgent('1006', agent), [app, extension])
    await answerButton.click()
    const ok = await waitUntil(() => findFrame(w.frames, mark, 'sent', isInvite200), 'our 200 OK to the INVITE')
    const clicks = await w.frame.evaluate(() => window.__benchClicks)
    answer.push(w.wall(ok) - clicks.filter(c => c.name === 'Answer').at(-1).t)
    await w.waitForHost('CALL_ANSWERED', i)
    await w.page.evaluate(isApp => (isApp ? window.__host : window.__baseline).callerHangup(), app)
    await w.waitForHost('CALL_ENDED', i)
    if (app) {
      await saveWrapUp(w, `inbound call ${i}${query.iceServers ? ' (unreachable STUN)' : ''}`)
    }
  }
  await w.close()
  return { answer }
}

/**
 * `count` echo calls, each with the WebSocket cut for CUT_MS mid-call (relay): the time from
 * restoring the connection to the 200 OK of the re-INVITE that re-binds the dialog (wire
 * time), and the longest inbound audio gap from the cut to 0.5 s after the call reads
 * Connected again.
 */
async function reconnections(browser, extension, count, relay) {
  const w = await openWidget(browser, 'app', { pbxUrl: relay.url })
  await w.waitForHost('INITIALIZED', 1)
  await w.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(w, extension)
  const state = w.widget.getByTestId('call-state')
  const rebound = []
  const gaps = []
  for (let i = 1; i <= count; i++) {
    await w.page.evaluate(n => window.__host.dial(n), ECHO)
    await w.waitForHost('CALL_ANSWERED', i)
    await state.filter({ hasText: /^Connected$/ }).waitFor()
    await sleep(500) // audio under way
    await w.frame.evaluate(() => window.__benchGapStart())
    const mark = w.frames.length
    relay.cut()
    await state.filter({ hasText: /^Reconnecting…$/ }).waitFor()
    await sleep(CUT_MS)
    const restoredAt = Date.now()
    relay.restore()
    const ok = await waitUntil(() => findFrame(w.frames, mark, 'received', isInvite200), 'the re-INVITE 200 OK', 20_000)
    rebound.push(w.wall(ok) - restoredAt)
    await state.filter({ hasText: /^Connected$/ }).waitFor()
    await sleep(500)
    gaps.push(await w.frame.evaluate(() => window.__benchGapStop()))
    await w.page.evaluate(() => window.__host.endCall())
    await w.waitForHost('CALL_ENDED', i)
    await saveWrapUp(w, `WebSocket-cut call ${i}`)
  }
  await w.close()
  return { rebound, gaps }
}

/** JS heap of the widget's renderer after a full GC, and what media is still open. */
async function memorySample(w) {
  await sleep(300) // let the closed peer connections' last events settle
  await w.cdp.send('HeapProfiler.collectGarbage')
  await w.cdp.send('HeapProfiler.collectGarbage')
  const heap = await w.cdp.send('Runtime.getHeapUsage')
  const media = await w.frame.evaluate(() => window.__benchMedia())
  return { heapUsedBytes: heap.usedSize, ...media }
}

/** What the widget fetched on its first load, per asset, raw and gzip (zlib default level 6). */
function firstLoadBytes(urls) {
  const html = readFileSync(join(APP_DIR, 'index.html'), 'utf8')
  const seen = new Set()
  const assets = []
  for (const url of urls) {
    const { origin, pathname } = new URL(url)
    if (origin !== `http://localhost:${PORT}` || seen.has(pathname))
      continue
    seen.add(pathname)
    const file = pathname === '/config.json' ? null : join(APP_DIR, pathname.endsWith('/') ? `${pathname}index.html` : pathname)
    const body = file ? readFileSync(file) : Buffer.from(CONFIG)
    const critical = pathname === '/' || pathname.endsWith('.html') || html.includes(pathname)
    assets.push({ path: pathname, raw: body.length, gzip: gzipSync(body).length, beforeFirstPaint: critical })
  }
  const sum = (list, key) => list.reduce((total, a) => total + a[key], 0)
  const critical = assets.filter(a => a.beforeFirstPaint)
  return {
    assets,
    beforeFirstPaint: { raw: sum(critical, 'raw'), gzip: sum(critical, 'gzip') },
    total: { raw: sum(assets, 'raw'), gzip: sum(assets, 'gzip') },
  }
}

/**
 * How far page clocks (performance.timeOrigin + now()) and the DevTools wire clock
 * (monotonic timestamp mapped to wall time by the handshake's wallTime) disagree: a page
 * stamps a CRLF keep-alive right before sending it; the wire stamps it when sent.
 */
async function clockCheck(browser) {
  const w = await openWidget(browser, 'baseline')
  const stamps = await w.frame.evaluate(async (server) => {
    const ws = new WebSocket(server, 'sip')
    await new Promise((resolve, reject) => {
      ws.onopen = resolve
      ws.onerror = reject
    })
    const out = []
    for (let i = 0; i < 10; i++) {
      out.push(performance.timeOrigin + performance.now())
      ws.send('\r\n\r\n')
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    ws.close()
    return out
  }, PBX_WS)
  await waitUntil(() => w.frames.filter(f => f.dir === 'sent').length >= stamps.length, 'the keep-alive frames')
  const sent = w.frames.filter(f => f.dir === 'sent')
  const diffs = stamps.map((t, i) => w.wall(sent[i]) - t)
  await w.close()
  return stats(diffs)
}

// ------------------------------------------------------------------ CPU profile

/**
 * Maps a profile's call frame (a built file's URL, 0-based line and column) to its original
 * source through the hidden source maps the bench builds; native frames have no URL.
 */
function sourceResolver() {
  const consumers = new Map()
  return (frame) => {
    if (!frame.url)
      return { file: '', line: 0, name: '' }
    let pathname
    try {
      pathname = new URL(frame.url).pathname
    }
    catch {
      return { file: frame.url, line: frame.lineNumber + 1, name: frame.functionName }
    }
    const harness = pathname.startsWith('/bench-assets/') || pathname.startsWith('/dev/') || pathname.startsWith('/bench/')
    const mapFile = `${join(harness ? HARNESS_DIR : APP_DIR, pathname)}.map`
    if (!consumers.has(mapFile))
      consumers.set(mapFile, existsSync(mapFile) ? new sourceMap.SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8'))) : null)
    const consumer = consumers.get(mapFile)
    if (!consumer)
      return { file: pathname, line: frame.lineNumber + 1, name: frame.functionName }
    const original = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber })
    return { file: original.source ?? pathname, line: original.line ?? 0, name: original.name ?? frame.functionName }
  }
}

/** The profile's summary per call, for the report: the top groups and our own top functions. */
function profileReport(run, resolve) {
  const per = (summary, n) => ({
    calls: n,
    windowMsPerCall: round2(summary.windowMs / n),
    busyMsPerCall: round2(summary.busyMs / n),
    ownMsPerCall: round2(summary.ownMs / n),
    groups: summary.groups.slice(0, 12).map(g => ({ group: g.group, msPerCall: round2(g.ms / n) })),
    ownFunctions: summary.functions.filter(f => f.group.startsWith('src/')).slice(0, 10)
      .map(f => ({ name: f.name, file: f.file, line: f.line, msPerCall: round2(f.ms / n) })),
  })
  const n = run.answered.length
  // The part of each window before the widget's postMessage to HubSpot: what the message waited for.
  const isPost = frame => frame.functionName === 'postMessage' && frame.url === ''
  const part = (windows) => {
    const cut = cutAtMarker(run.cpuProfile, windows, isPost)
    return {
      ...per(summarizeProfile(run.cpuProfile, windows, resolve), n),
      beforePostMessage: { ...per(summarizeProfile(run.cpuProfile, cut, resolve), n), windowsCut: cut.filter(w => w.cut).length },
    }
  }
  return { dial: per(summarizeProfile(run.cpuProfile, run.windows.dial, resolve), n), answered: part(run.windows.answered), ended: part(run.windows.ended) }
}

const round2 = v => Math.round(v * 100) / 100

// ------------------------------------------------------------------ --trace (development)

/** Starts a Chromium trace of every process (the renderer's own timeline: tasks, style, layout, paint, GC). */
async function startTracing(browser) {
  const session = await browser.newBrowserCDPSession()
  await session.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'webrtc'] },
  })
  return session
}

/** Ends the trace and returns its events. */
async function stopTracing(session) {
  const complete = new Promise(resolve => session.once('Tracing.tracingComplete', resolve))
  await session.send('Tracing.end')
  const { stream } = await complete
  const chunks = []
  for (;;) {
    const chunk = await session.send('IO.read', { handle: stream })
    chunks.push(chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data)
    if (chunk.eof)
      break
  }
  await session.send('IO.close', { handle: stream })
  const parsed = JSON.parse(chunks.join(''))
  return Array.isArray(parsed) ? parsed : parsed.traceEvents
}

/**
 * Main-thread time of the widget's renderer inside the windows (µs on the trace clock, the same
 * monotonic clock as the DevTools protocol's timestamps), per trace event name, ms per window.
 * Names nest (RunTask holds everything; FunctionCall holds script): read them as a tree, not a sum.
 */
function traceBreakdown(events, windows, widgetOrigin) {
  // The widget's renderer: the process whose script runs from the widget's origin.
  const pid = events.find(e => e.name === 'FunctionCall' && String(e.args?.data?.url ?? '').startsWith(widgetOrigin))?.pid
  const main = events.find(e => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')
  if (pid === undefined || !main)
    return 'the widget\'s renderer main thread was not found in the trace'
  const totals = new Map()
  for (const e of events) {
    if (e.pid !== pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur)
      continue
    for (const w of windows) {
      const overlap = Math.min(e.ts + e.dur, w.to) - Math.max(e.ts, w.from)
      if (overlap > 0)
        totals.set(e.name, (totals.get(e.name) ?? 0) + overlap)
    }
  }
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 30)
  const window = windows.reduce((sum, w) => sum + (w.to - w.from), 0)
  // The last window's tasks in order: start (ms from the window's start), length, and the
  // longest events inside each (script as function name and source position in the bundle).
  const last = windows.at(-1)
  const mine = events.filter(e => e.pid === pid && e.tid === main.tid && e.ph === 'X' && e.dur && e.ts < last.to && e.ts + e.dur > last.from)
  const tasks = mine.filter(e => e.name === 'RunTask' && e.dur >= 100)
  const label = (e) => {
    const d = e.args?.data ?? {}
    return e.name === 'FunctionCall' ? `FunctionCall ${d.functionName || '(anonymous)'} ${String(d.url ?? '').split('/').pop()}:${d.lineNumber}:${d.columnNumber}` : e.name
  }
  const timeline = tasks.map((task) => {
    const inside = mine.filter(e => e !== task && e.name !== 'ThreadControllerImpl::RunTask' && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur)
      .sort((a, b) => b.dur - a.dur).slice(0, 4)
    return `  +${((task.ts - last.from) / 1000).toFixed(2)} ${(task.dur / 1000).toFixed(2)} ms: ${inside.map(e => `${label(e)} ${(e.dur / 1000).toFixed(2)}`).join(' | ')}`
  })
  return [`window ${(window / windows.length / 1000).toFixed(2)} ms per call; main-thread trace events (ms per call, nested):`,
    ...rows.map(([name, us]) => `  ${name} ${(us / windows.length / 1000).toFixed(2)}`),
    `the last window (${((last.to - last.from) / 1000).toFixed(2)} ms), its tasks ≥ 0.1 ms:`, ...timeline].join('\n')
}


// ------------------------------------------------------------------ bench:day

const CPU_SECONDS = Number(process.env.BENCH_CPU_SECONDS ?? 60)
const DAY_CALLS = Number(process.env.BENCH_DAY_CALLS ?? 500)
const BUSY = '+442079460602'

/**
 * CPU time of the widget's renderer over `seconds` of a connected echo call. The renderer is
 * found by its own CPU: the widget frame spins for 300 ms and the renderer whose CPU time
 * grew by that much is the one (SystemInfo.getProcessInfo lists every process's cumulative
 * CPU). Also the main thread's task and script time (Performance.getMetrics, thread ticks).
 */
async function connectedCpu(browser, kind, extension, seconds) {
  const w = await openWidget(browser, kind)
  const app = kind === 'app'
  if (app) {
    await w.waitForHost('INITIALIZED', 1)
    await w.page.evaluate(() => window.__host.setReplyDelay(0))
  }
  await signIn(w, extension)
  const system = await browser.newBrowserCDPSession()
  const renderers = async () => new Map((await system.send('SystemInfo.getProcessInfo')).processInfo
    .filter(p => p.type === 'renderer').map(p => [p.id, p.cpuTime]))
  const before = await renderers()
  await w.frame.evaluate(() => {
    const end = performance.now() + 300
    while (performance.now() < end) {
      // spin: marks this frame's renderer
    }
  })
  const after = await renderers()
  const [pid] = [...after].map(([id, cpu]) => [id, cpu - (before.get(id) ?? 0)]).sort((a, b) => b[1] - a[1])[0]
  await w.page.evaluate(isApp => isApp ? window.__host.dial('+442079460600') : window.__baseline.dial('+442079460600'), app)
  await w.waitForHost('CALL_ANSWERED', 1)
  await sleep(1000) // the call screen is up, the audio flows
  await w.cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
  const metrics = async () => Object.fromEntries((await w.cdp.send('Performance.getMetrics')).metrics.map(m => [m.name, m.value]))
  const m0 = await metrics()
  const c0 = (await renderers()).get(pid)
  const t0 = threadTimes(pid)
  const trace = process.env.BENCH_CPU_TRACE === '1'
  if (trace)
    await browser.startTracing(undefined, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz', 'webrtc', 'media', 'audio', 'v8', 'disabled-by-default-devtools.timeline.frame'] })
  await sleep(seconds * 1000)
  if (trace)
    writeFileSync(join(ROOT, `dist-bench/trace-${kind}.json`), await browser.stopTracing())
  const c1 = (await renderers()).get(pid)
  const t1 = threadTimes(pid)
  const audioContexts = await audioContextStates(w.cdp)
  const m1 = await metrics()
  await w.page.evaluate(isApp => isApp ? window.__host.endCall() : window.__baseline.endCall(), app)
  await w.waitForHost('CALL_ENDED', 1)
  await system.detach()
  await w.close()
  const delta = name => round2((m1[name] - m0[name]) * 1000)
  const result = { seconds, audioContexts, processCpuMs: round2((c1 - c0) * 1000), taskMs: delta('TaskDuration'), scriptMs: delta('ScriptDuration'), layoutMs: delta('LayoutDuration'), recalcStyleMs: delta('RecalcStyleDuration') }
  return t0 && t1 ? { ...result, threads: threadDelta(t0, t1) } : result
}

/**
 * CPU time (ms) of each thread of process `pid`, by thread name, from /proc (Linux only; null
 * elsewhere): which of the renderer's threads (main, audio output, WebRTC, compositor…) did the work.
 */
function threadTimes(pid) {
  const dir = `/proc/${pid}/task`
  if (!existsSync(dir))
    return null
  const tick = 1000 / 100 // USER_HZ: 100 on Linux
  const times = new Map()
  for (const tid of readdirSync(dir)) {
    try {
      const stat = readFileSync(`${dir}/${tid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      times.set(`${name}#${tid}`, (Number(fields[11]) + Number(fields[12])) * tick) // utime + stime
    }
    catch {
      // the thread ended while being read
    }
  }
  return times
}

/** Per-thread-name CPU (ms) between two threadTimes(), threads of one name summed, busiest first. */
function threadDelta(before, after) {
  const byName = {}
  for (const [key, ms] of after) {
    const name = key.slice(0, key.lastIndexOf('#'))
    byName[name] = (byName[name] ?? 0) + ms - (before.get(key) ?? 0)
  }
  return Object.fromEntries(Object.entries(byName).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]))
}

/** The state of each AudioContext alive in the frame (a running one keeps an audio render thread busy). */
async function audioContextStates(cdp) {
  return instancesOf(cdp, 'BaseAudioContext.prototype', 'function () { return this.map(c => c.state) }')
}

/**
 * `fn` applied to the array of live instances (reachable or not yet collected) with `prototypeExpression`
 * in their chain. Runtime.queryObjects also returns the prototypes that inherit from it
 * (`AudioContext.prototype`, made when the page first touches `AudioContext`; a subclass's): those are
 * not instances (they have their own `constructor`) and are left out.
 */
async function instancesOf(cdp, prototypeExpression, fn) {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: prototypeExpression, objectGroup: 'bench' })
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: 'bench' })
  const { result: instances } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration: 'function () { return this.filter(o => !Object.prototype.hasOwnProperty.call(o, \'constructor\')) }',
    objectGroup: 'bench',
  })
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', { objectId: instances.objectId, functionDeclaration: fn, returnByValue: true })
  await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'bench' })
  if (exceptionDetails)
    throw new Error(`[bench] counting ${prototypeExpression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`)
  return result.value
}

/** How many live instances (reachable or not yet collected) have `prototypeExpression` in their chain. */
async function liveObjects(cdp, prototypeExpression) {
  return instancesOf(cdp, prototypeExpression, 'function () { return this.length }')
}

/** Event listeners on `window` and `document` (where a forgotten one usually sits). */
async function listenerCount(cdp, expression) {
  const { result } = await cdp.send('Runtime.evaluate', { expression, objectGroup: 'bench' })
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId })
  await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'bench' })
  return listeners.length
}

/** Heap after a full GC, and everything a call opens, counted after it. */
async function daySample(w, afterCalls) {
  const memory = await memorySample(w)
  const cdp = w.cdp
  return {
    afterCalls,
    ...memory,
    peerConnectionObjects: await liveObjects(cdp, 'RTCPeerConnection.prototype'),
    mediaStreamTrackObjects: await liveObjects(cdp, 'MediaStreamTrack.prototype'),
    mediaStreamObjects: await liveObjects(cdp, 'MediaStream.prototype'),
    audioElements: await liveObjects(cdp, 'HTMLAudioElement.prototype'),
    audioContexts: await liveObjects(cdp, 'BaseAudioContext.prototype'),
    // A closed or suspended context costs nothing; a running one keeps an audio thread rendering.
    audioContextsRunning: (await audioContextStates(cdp)).filter(state => state === 'running').length,
    webSockets: await liveObjects(cdp, 'WebSocket.prototype'),
    ...await w.frame.evaluate(() => window.__benchTimers()),
    windowListeners: await listenerCount(cdp, 'window'),
    documentListeners: await listenerCount(cdp, 'document'),
    domNodes: (await w.frame.evaluate(() => document.getElementsByTagName('*').length)),
  }
}

/** The longest a transaction outlives its call in sip.js (RFC 6026 Timer L/M: 64 × T1), plus a margin. */
const TRANSACTION_MS = 32_000 + 2_000

/**
 * Waits until the widget's pending timeouts are back to `idleTimeouts` (the transactions' timers
 * ran out) or TRANSACTION_MS passed; resolves to the time waited (ms).
 */
async function settle(w, idleTimeouts) {
  const from = Date.now()
  while (Date.now() - from < TRANSACTION_MS) {
    if ((await w.frame.evaluate(() => window.__benchTimers())).timeouts <= idleTimeouts)
      break
    await sleep(250)
  }
  return Date.now() - from
}

/**
 * `count` calls in one signed-in widget, in turn: an echo call (answered, HubSpot hangs up), a busy
 * number (486), an inbound call from 1006 (answered, the caller hangs up); each wrap-up is saved.
 */
async function dayCalls(browser, extension, count) {
  const w = await openWidget(browser, 'app', { iframeLocation: 'remote' }, { trackTimers: true })
  await w.waitForHost('INITIALIZED', 1)
  await w.page.evaluate(() => window.__host.setReplyDelay(0))
  await signIn(w, extension)
  const seen = { CALL_ANSWERED: 0, CALL_ENDED: 0 }
  const samples = [await daySample(w, 0)]
  const sampleAt = new Set([1, ...Array.from({ length: Math.floor(count / 100) }, (_, k) => (k + 1) * 100), count])
  const started = Date.now()
  for (let i = 1; i <= count; i++) {
    const kind = ['echo', 'busy', 'inbound'][(i - 1) % 3]
    if (kind === 'echo') {
      await w.page.evaluate(n => window.__host.dial(n), ECHO)
      await w.waitForHost('CALL_ANSWERED', ++seen.CALL_ANSWERED)
      await w.page.evaluate(() => window.__host.endCall())
    }
    else if (kind === 'busy') {
      await w.page.evaluate(n => window.__host.dial(n), BUSY)
    }
    else {
      await w.page.evaluate(agent => window.__host.callAgent('1006', agent), extension)
      await w.widget.getByRole('button', { name: 'Answer', exact: true }).click({ timeout: 10_000 }).catch(async (error) => {
        const caller = await w.page.evaluate(() => window.__host.callerState())
        const text = await w.frame.evaluate(() => document.body.innerText)
        throw new Error(`[bench:day] call ${i}: the inbound call did not ring (caller: ${JSON.stringify(caller)}; widget: ${text.replace(/\s+/g, ' ').slice(0, 300)})`, { cause: error })
      })
      await w.waitForHost('CALL_ANSWERED', ++seen.CALL_ANSWERED)
      await w.page.evaluate(() => window.__host.callerHangup())
    }
    await w.waitForHost('CALL_ENDED', ++seen.CALL_ENDED)
    await saveWrapUp(w, `day call ${i} (${kind})`)
    if (sampleAt.has(i)) {
      samples.push(await daySample(w, i))
      const s = samples.at(-1)
      console.log(`[bench:day] after ${i} calls (${Math.round((Date.now() - started) / 1000)} s): heap ${(s.heapUsedBytes / 2 ** 20).toFixed(2)} MB, ${s.openPeerConnections} open peer connections, ${s.liveTracks} live tracks`)
    }
    if (i === 1 || i === count) {
      // The heap growth compares the widget between calls, as an agent leaves it: once the
      // transactions of the last calls are over (sip.js keeps an answered INVITE's transaction for
      // RFC 6026's Timer L/M, 32 s, with its request and responses). Back-to-back calls 0.5 s apart
      // keep ~40 of them alive at the last call; an agent's calls, minutes apart, at most one.
      const waitedMs = await settle(w, samples[0].timeouts)
      samples.push({ ...await daySample(w, i), settledMs: waitedMs })
      const s = samples.at(-1)
      console.log(`[bench:day] after ${i} calls and ${(waitedMs / 1000).toFixed(1)} s idle: heap ${(s.heapUsedBytes / 2 ** 20).toFixed(2)} MB, ${s.timeouts} pending timeouts`)
    }
  }
  await w.close()
  return { samples, seconds: Math.round((Date.now() - started) / 1000) }
}

/** The counts that must not grow from call 1 to the last (a leak), and those that must be 0. */
const OPEN_AT_END = ['openPeerConnections', 'liveTracks', 'audioContextsRunning']
const NO_GROWTH = ['peerConnectionObjects', 'mediaStreamTrackObjects', 'mediaStreamObjects', 'audioElements', 'audioContexts', 'webSockets', 'intervals', 'timeouts', 'windowListeners', 'documentListeners', 'domNodes']

/**
 * What was left open at the end, and what leaks: a count higher after the last call than after
 * call 1, both taken once the widget is idle (the last calls' transactions over, two forced GCs:
 * what is still counted then is held by something that lives on).
 */
function findLeaks(samples) {
  const idle = samples.filter(s => s.settledMs !== undefined)
  // (A results-day.json from before the idle samples: the samples right after the calls.)
  const settled = idle.length > 0 ? idle : samples
  const first = settled.find(s => s.afterCalls === 1)
  const last = settled.at(-1)
  return [
    ...OPEN_AT_END.filter(key => (last[key] ?? 0) !== 0).map(key => `${key} ${last[key]}`),
    ...NO_GROWTH.filter(key => last[key] > first[key]).map(key => `${key} ${first[key]} → ${last[key]}`),
  ]
}

function dayMarkdown(r) {
  const m = r.machine
  const lines = []
  lines.push(`Run ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.chromium}, Node ${m.node}; ${r.day.seconds} s for ${r.day.calls} calls.`)
  lines.push('')
  lines.push(`| CPU of the widget's renderer, ${r.cpu.ours.seconds} s connected echo call (ms) | ours | baseline | ours / baseline | target | met |`)
  lines.push('| --- | --- | --- | --- | --- | --- |')
  const row = (label, key, target) => {
    const ratio = r.cpu.baseline[key] > 0 ? r.cpu.ours[key] / r.cpu.baseline[key] : Number.POSITIVE_INFINITY
    lines.push(`| ${label} | ${r.cpu.ours[key]} | ${r.cpu.baseline[key]} | ${ratio.toFixed(2)} | ${target ? '≤ 1.2× baseline' : '—'} | ${target ? (ratio <= 1.2 ? 'yes' : '**no**') : '—'} |`)
  }
  row('renderer process CPU (all its threads: audio, WebRTC, main)', 'processCpuMs', true)
  row('main thread: tasks', 'taskMs')
  row('main thread: script', 'scriptMs')
  row('main thread: layout + style', 'layoutMs')
  lines.push('')
  const cols = ['heap', 'open peer connections', 'live tracks', 'RTCPeerConnection objects', 'MediaStreamTrack objects', 'audio elements', 'AudioContexts', 'intervals', 'pending timeouts', 'window/document listeners', 'DOM nodes']
  lines.push(`| after calls (echo, busy, inbound in turn) | ${cols.join(' | ')} |`)
  lines.push(`| --- | ${cols.map(() => '---').join(' | ')} |`)
  for (const s of r.day.samples)
    lines.push(`| ${s.afterCalls}${s.settledMs === undefined ? '' : `, then ${(s.settledMs / 1000).toFixed(0)} s idle`} | ${(s.heapUsedBytes / 2 ** 20).toFixed(2)} MB | ${s.openPeerConnections} | ${s.liveTracks} | ${s.peerConnectionObjects} | ${s.mediaStreamTrackObjects} | ${s.audioElements} | ${s.audioContexts}${s.audioContextsRunning ? ` (${s.audioContextsRunning} running)` : ''} | ${s.intervals} | ${s.timeouts} | ${s.windowListeners}/${s.documentListeners} | ${s.domNodes} |`)
  lines.push('')
  lines.push(`Heap growth, call 1 → ${r.day.calls}, each once idle: **${(r.day.growthBytes / 2 ** 20).toFixed(2)} MB** (target ≤ 2 MB): ${r.day.heapMet ? 'met' : '**missed**'}`
    + `${r.day.growthAtOnceBytes === undefined ? '' : ` (right after each call: ${(r.day.growthAtOnceBytes / 2 ** 20).toFixed(2)} MB)`}. `
    + `Left open at the end, or more of it once idle after the last call than after call 1: ${r.day.leaks.length === 0 ? 'nothing' : `**${r.day.leaks.join(', ')}**`}.`)
  return lines.join('\n')
}

const DAY_METHOD = `Method: \`npm run bench:day\` (bench/run.mjs --day). **CPU**: one echo call each, ours and the baseline page,
connected for BENCH_CPU_SECONDS; the widget's renderer process is picked out by spinning its frame for 300 ms and
seeing which renderer's CPU time (\`SystemInfo.getProcessInfo\`) grew; its CPU time over the call is the figure,
beside the main thread's task/script/layout time (\`Performance.getMetrics\`, thread ticks). **Day**: calls in a
row in one signed-in widget (echo answered and ended by HubSpot, busy 486, inbound from 1006 answered and ended by
the caller), each wrap-up saved; after call 0, 1, every 100th and the last, and again after call 1 and the last once
the widget is idle (its pending timeouts back to call 0's: the transactions sip.js keeps 32 s after an answered INVITE,
RFC 6026 Timer L/M, are over; at most 34 s): two forced GCs, the heap
(\`Runtime.getHeapUsage\`), open peer connections and live microphone tracks (weak references), live objects by
prototype (\`Runtime.queryObjects\`: objects not yet collected after the GC, so a leak shows as growth), pending
intervals and timeouts (setInterval/setTimeout wrapped by the bench's init script in this run only), listeners on
\`window\` and \`document\` (\`DOMDebugger.getEventListeners\`) and DOM nodes. A count that is higher once idle after
the last call than once idle after call 1 (what the last calls' transactions hold is gone by then), or an open peer
connection, live track or running AudioContext at the end, is reported. The heap growth
compares the two idle samples, as an agent's widget is between calls (calls minutes apart leave at most one
transaction alive; 500 calls 0.5 s apart leave ~40); the growth right after each call is given beside it.`

function writeDayReport(results) {
  const table = dayMarkdown(results)
  writeFileSync(join(ROOT, 'bench/results-day.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(ROOT, 'bench/RESULTS-day.md'), `# A working day: benchmark results\n\nWritten by \`npm run bench:day\` (bench/run.mjs --day); do not edit by hand.\n\n${table}\n\n${DAY_METHOD}\n`)
  updateReadme(table, 'bench-day')
  return table
}

async function workingDay(browser) {
  console.log(`[bench:day] CPU over a ${CPU_SECONDS} s connected call, ours then the baseline …`)
  const cpu = {
    ours: await connectedCpu(browser, 'app', EXT.app, CPU_SECONDS),
    baseline: await connectedCpu(browser, 'baseline', EXT.baseline, CPU_SECONDS),
  }
  console.log(`[bench:day] ${DAY_CALLS} calls in a row …`)
  const day = await dayCalls(browser, EXT.app, DAY_CALLS)
  const settled = day.samples.filter(s => s.settledMs !== undefined)
  const first = settled.find(s => s.afterCalls === 1)
  const last = settled.at(-1)
  const growthBytes = last.heapUsedBytes - first.heapUsedBytes
  const atOnce = day.samples.filter(s => s.settledMs === undefined)
  const growthAtOnceBytes = atOnce.at(-1).heapUsedBytes - atOnce.find(s => s.afterCalls === 1).heapUsedBytes
  const leaks = findLeaks(day.samples)
  const results = {
    machine: machine(),
    cpu,
    day: { calls: DAY_CALLS, seconds: day.seconds, samples: day.samples, growthBytes, growthAtOnceBytes, heapMet: growthBytes <= 2 * 2 ** 20, leaks },
  }
  const table = writeDayReport(results)
  console.log(`\n${table}\n\n[bench:day] wrote bench/results-day.json, bench/RESULTS-day.md and the README table.`)
}

// ------------------------------------------------------------------ report

/**
 * The targets (issue 17 and earlier), by figure: a limit on our median (ms) and/or a factor of the
 * baseline's median. Kept apart from the measurements so `--report` can re-judge a results.json.
 */
const TARGETS = {
  'iframe load → INITIALIZED': { target: '≤ 50', limit: 50 },
  'DIAL_NUMBER → INVITE sent': { target: '≤ 30 and ≤ 1.1× baseline', limit: 30, vsBaseline: 1.1 },
  'DIAL_NUMBER → INVITE, unreachable STUN': { target: '≤ 500', limit: 500 },
  '200 OK → CALL_ANSWERED': { target: '≤ 1.1× baseline', vsBaseline: 1.1 },
  'BYE → CALL_ENDED': { target: '≤ 1.1× baseline', vsBaseline: 1.1 },
  'inbound: Answer click → 200 OK sent': { target: '≤ 1.1× baseline', vsBaseline: 1.1 },
  'inbound: Answer click → 200 OK, unreachable STUN': { target: '≤ 500', limit: 500 },
}

/** A figure with its target and whether our median meets it. */
function judge(f) {
  const rule = TARGETS[f.label]
  if (!rule)
    return { ...f, target: undefined, met: undefined }
  const met = (rule.limit === undefined || f.ours.median <= rule.limit)
    && (rule.vsBaseline === undefined || !f.baseline || f.ours.median <= rule.vsBaseline * f.baseline.median)
  return { ...f, target: rule.target, met }
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? 'unknown'
  let chromiumVersion = 'unknown'
  try {
    chromiumVersion = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  }
  catch {
    // reported as unknown
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    chromium: chromiumVersion,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  }
}

const fmt = v => v === undefined || v === null ? '—' : `${v.toFixed(v >= 100 ? 0 : 1)}`
const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`

function markdown(r) {
  const m = r.machine
  const lines = []
  lines.push(`Run ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.chromium}, Node ${m.node}.`)
  lines.push('')
  lines.push('| Figure (ms) | n | median | p95 | baseline median | baseline p95 | ours / baseline | target | met |')
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const f of r.figures) {
    const ratio = f.baseline ? (f.ours.median / f.baseline.median).toFixed(2) : '—'
    lines.push(`| ${f.label} | ${f.ours.n} | ${fmt(f.ours.median)} | ${fmt(f.ours.p95)} | ${fmt(f.baseline?.median)} | ${fmt(f.baseline?.p95)} | ${ratio} | ${f.target ?? '—'} | ${f.met === undefined ? '—' : f.met ? 'yes' : '**no**'} |`)
  }
  lines.push('')
  lines.push('| Memory (widget renderer, after GC) | heap used | open peer connections | live tracks |')
  lines.push('| --- | --- | --- | --- |')
  for (const s of r.memory.samples)
    lines.push(`| after ${s.afterCalls} call${s.afterCalls === 1 ? '' : 's'} | ${(s.heapUsedBytes / 2 ** 20).toFixed(2)} MB | ${s.openPeerConnections} | ${s.liveTracks} |`)
  lines.push(`| **growth, call 1 → ${r.memory.calls}** (target ≤ 2 MB, nothing left open) | **${(r.memory.growthBytes / 2 ** 20).toFixed(2)} MB** | | ${r.memory.met ? 'met' : '**missed**'} |`)
  lines.push('')
  lines.push('| First load (widget) | raw | gzip | when |')
  lines.push('| --- | --- | --- | --- |')
  for (const a of r.bytes.assets)
    lines.push(`| \`${a.path}\` | ${kb(a.raw)} | ${kb(a.gzip)} | ${a.beforeFirstPaint ? 'before first paint' : 'in parallel, after boot'} |`)
  lines.push(`| **before first paint** (target ≤ 100 KB gzip) | ${kb(r.bytes.beforeFirstPaint.raw)} | **${kb(r.bytes.beforeFirstPaint.gzip)}** | ${r.bytes.beforeFirstPaint.gzip <= 100 * 1024 ? 'met' : '**missed**'} |`)
  lines.push(`| everything up to sign-in | ${kb(r.bytes.total.raw)} | ${kb(r.bytes.total.gzip)} | |`)
  lines.push('')
  lines.push(`Clock check (wire time − page time of the same WebSocket send, n=${r.clockCheck.n}): median ${r.clockCheck.median} ms, range ${r.clockCheck.min} … ${r.clockCheck.max} ms.`)
  if (r.profile) {
    lines.push('')
    lines.push(profileMarkdown(r.profile))
  }
  return lines.join('\n')
}

/** The CPU profile's tables: where each call event's time goes, ours beside the baseline's. */
function profileMarkdown(p) {
  const lines = []
  const dial = p.ours.dial
  const baseDial = p.baseline.dial
  if (dial) {
    const of = (list, name) => list.find(g => g.group === name)?.msPerCall ?? '—'
    lines.push(`CPU profile, DIAL_NUMBER → INVITE (ms per call; sip.js waits for getUserMedia, the offer and ICE gathering, mostly idle time): window ${dial.windowMsPerCall} (baseline ${baseDial.windowMsPerCall}), busy ${dial.busyMsPerCall} (baseline ${baseDial.busyMsPerCall}), our own code ${dial.ownMsPerCall}. `
      + `Top: ${dial.groups.slice(0, 8).map(g => `${g.group} ${g.msPerCall} (baseline ${of(baseDial.groups, g.group)})`).join('; ')}.`)
    lines.push('')
  }
  for (const [key, label] of [['answered', '200 OK → CALL_ANSWERED'], ['ended', 'BYE → CALL_ENDED']]) {
    const ours = p.ours[key]
    const base = p.baseline[key]
    const oursPre = ours.beforePostMessage
    const basePre = base.beforePostMessage
    lines.push(`CPU profile, ${label} (widget renderer, 100 µs sampling, ${ours.calls} calls each, profiled apart from the timed calls; ms per call): `
      + `window ${ours.windowMsPerCall} (baseline ${base.windowMsPerCall}), busy ${ours.busyMsPerCall} (baseline ${base.busyMsPerCall}); `
      + `before the postMessage to HubSpot (found in ${oursPre.windowsCut}/${ours.calls} windows; baseline ${basePre.windowsCut}/${base.calls}): busy ${oursPre.busyMsPerCall} (baseline ${basePre.busyMsPerCall}), of which our own code ${oursPre.ownMsPerCall}.`)
    lines.push('')
    lines.push('| self time in | ours, before postMessage | baseline, before postMessage | ours, whole window | baseline, whole window |')
    lines.push('| --- | --- | --- | --- | --- |')
    const names = [...new Set([...oursPre.groups.map(g => g.group), ...basePre.groups.map(g => g.group), ...ours.groups.map(g => g.group)])]
    const of = (list, name) => list.find(g => g.group === name)?.msPerCall ?? '—'
    for (const name of names.slice(0, 14))
      lines.push(`| ${name.startsWith('src/') ? `\`${name}\`` : name} | ${of(oursPre.groups, name)} | ${of(basePre.groups, name)} | ${of(ours.groups, name)} | ${of(base.groups, name)} |`)
    if (oursPre.ownFunctions.length > 0) {
      lines.push('')
      lines.push(`Our code's top functions before the postMessage (${label}): ${oursPre.ownFunctions.map(f => `\`${f.name}\` ${f.file}:${f.line} ${f.msPerCall} ms`).join('; ')}.`)
    }
    lines.push('')
  }
  return lines.join('\n').trimEnd()
}

const METHOD = `## Method

- **Build and serve.** \`vite build\` with the project's own config (the production bundle, unchanged; hidden
  source maps beside it) into
  \`dist-bench/app\`; the simulator (dev/host) and the baseline pages with \`bench/vite.bench.config.ts\` into
  \`dist-bench/harness\`. One static server on 127.0.0.1:${PORT} (no compression, \`no-store\`) serves both and a
  generated \`config.json\` for the local Asterisk. Hosts load on \`127.0.0.1\`, widgets on \`localhost\`:
  cross-site, so the widget is an out-of-process iframe, as inside HubSpot.
- **Browser.** Debian's Chromium, headless, fake microphone, default site isolation. Each load/sign-in run uses a
  new browser context (cold cache).
- **Wire timestamps.** A DevTools session attached to the widget's own frame target records
  \`Network.webSocketFrameSent/Received\` (monotonic seconds); the WebSocket handshake event carries both
  \`timestamp\` and \`wallTime\`, which maps them to wall-clock milliseconds.
- **Host timestamps.** An init script (before any page script) adds a capturing \`message\` listener to the host
  page and stamps \`performance.timeOrigin + performance.now()\` when each widget message arrives, and the
  iframe's \`load\` event; \`DIAL_NUMBER\` is stamped right before the host posts it. Sign-in is stamped by a
  capturing \`click\` listener in the widget frame. No timer inside the app is read.
- **Clock check.** The widget frame stamps ten CRLF keep-alives right before \`WebSocket.send\`; the wire's
  stamp of the same frames minus the page's stamp bounds the error of comparing the two clocks (above).
- **Figures.** iframe \`load\` → \`INITIALIZED\` received by the host (also: widget navigation start →
  \`INITIALIZED\`); Sign in click → REGISTER 200 received; \`DIAL_NUMBER\` posted → first INVITE sent;
  INVITE 200 OK received → \`CALL_ANSWERED\` at the host; BYE sent → \`CALL_ENDED\` at the host. The timed
  and profiled calls go to ${PICKUP}, a callee who picks up: 180 Ringing, the 200 OK 250 ms later, then
  Asterisk echoes. The answer is then measured on its own, as a person's comes, and after the ringing every
  real call has (the echo number, answering ~10 ms after the INVITE, put our 200 OK in the tail of our own
  dial, the call screen's first paint and the simulator's handling of \`OUTGOING_CALL_STARTED\`, which the
  baseline, 130 ms slower to send its INVITE, had long finished; and with no ringing it never measured the
  ringback's stop, which then delayed \`CALL_ANSWERED\` by ~2 ms). The host sends \`END_CALL\` as soon as
  \`CALL_ANSWERED\` arrives; the softphone's wrap-up is saved before the next call. Unreachable-STUN and
  mirror-tab calls dial the echo number ${ECHO}.
- **A mirror tab (issue 11).** Two HubSpot tabs (calling remotes) in one browser profile; the first signs in and
  holds the phone (\`src/frames/\`), the second's host posts \`DIAL_NUMBER\` (stamped as above) and the INVITE
  is stamped on the first tab's WebSocket: the cost of carrying the dial to the frame that owns the phone. Its
  "baseline" columns are the same figure for a \`DIAL_NUMBER\` in the owner's own tab (the row above).
- **Unreachable STUN.** \`iceServers\` set to a local UDP port that swallows every packet, so ICE gathering
  never completes; the baseline, with sip.js's default 5 s gathering timeout, gets ${BASELINE_STUN_RUNS} run${BASELINE_STUN_RUNS === 1 ? '' : 's'} (each is that timeout).
- **Lost WebSocket mid-call.** ${CUTS} echo calls; in each, a TCP relay between the widget and Asterisk's
  WebSocket port (RTP does not pass through it) resets the connection and refuses new ones for ${CUT_MS} ms
  once the call is up. Figures: relay restored → the 200 OK of the re-INVITE that re-binds the dialog
  received (wire time; it includes waiting for the phone's next reconnect attempt, at most ~2 s apart), and
  the longest gap in inbound audio from the cut to 0.5 s after the call reads Connected again (every 20 ms:
  the stats report's time minus the inbound-rtp \`lastPacketReceivedTimestamp\`; 20 ms frames, so ~20–40 ms
  means no gap).
- **Inbound.** The host page's caller (1006, bare sip.js in the host page, the simulator's "Call the agent")
  calls the agent; the figure runs from the Answer click (a capturing listener in the widget frame) to our 200 OK
  on the wire; the caller then hangs up. The baseline answers with sip.js's defaults (it waits for ICE gathering,
  5 s with the unreachable STUN server); the softphone runs in HubSpot's remote (\`iframeLocation=remote\`).
- **CPU profile.** After the timed runs, ${PROFILE_CALLS} more echo calls each (2 warm-up calls first) with V8's
  sampling profiler on the widget's renderer (\`Profiler.start/stop\` through the frame's DevTools session, 100 µs
  interval). Samples are mapped to the original files through hidden source maps (built with the bundle, not
  referenced by it) and summed, as self time, inside each call's windows: DIAL_NUMBER posted → INVITE on the wire,
  200 OK received → CALL_ANSWERED at the host, BYE sent → CALL_ENDED at the host (the profile's clock is the wire
  clock). "Before postMessage" cuts a window at its first sample inside the native \`postMessage\`; short
  postMessages are often not sampled, and those windows stay whole. A postMessage to the host's (cross-process)
  window reaches it when the sending task is over, so what runs after it in the same task counts too.
- **Memory.** \`HeapProfiler.collectGarbage\` twice, then \`Runtime.getHeapUsage\` on the widget's frame target
  (its own renderer) after call 1 and after the last call; peer connections and microphone streams are counted
  through weak references, so counting them keeps nothing alive.
- **Bytes.** Every URL the widget frame fetched until sign-in, sizes from the built files, gzip = zlib level 6.
  "Before first paint" = what \`index.html\` references; the sip.js chunk is requested by the boot code and
  loads while the first screen paints.
- **Statistics.** median and p95 by nearest rank. Targets are reported, never asserted.`

function updateReadme(table, marker = 'bench') {
  const file = join(ROOT, 'README.md')
  if (!existsSync(file))
    return
  const text = readFileSync(file, 'utf8')
  const start = `<!-- ${marker}:start -->`
  const end = `<!-- ${marker}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from)
    return
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`)
}

// ------------------------------------------------------------------ main

/** Writes RESULTS.md and the README table from bench/results.json, figures re-judged against TARGETS. */
function writeReport(results) {
  const table = markdown(results)
  writeFileSync(join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(ROOT, 'bench/RESULTS.md'), `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.mjs); do not edit by hand.\n\n${table}\n\n${METHOD}\n`)
  updateReadme(table)
  return table
}

async function main() {
  if (process.argv.includes('--report-day')) {
    // The last day's numbers, re-judged and written out again.
    const results = JSON.parse(readFileSync(join(ROOT, 'bench/results-day.json'), 'utf8'))
    results.day.leaks = findLeaks(results.day.samples)
    writeDayReport(results)
    return
  }
  if (process.argv.includes('--report')) {
    // The last run's numbers, re-judged (after a change of targets) and written out again.
    const results = JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8'))
    results.figures = results.figures.map(judge)
    writeReport(results)
    return
  }
  if (process.argv.includes('--no-build') === false)
    build()
  const server = await serve()
  if (process.argv.includes('--serve')) {
    console.log(`[bench] serving http://127.0.0.1:${PORT}/dev/host/ and /bench/baseline/host.html (Ctrl-C ends)`)
    return
  }
  // The bench needs the test PBX: start it like the e2e set-up does, and stop it again if we did.
  const pbx = (command, stdio = 'inherit') => spawnSync('bash', [join(ROOT, 'pbx/pbx.sh'), command], { stdio }).status ?? 1
  const pbxWasRunning = pbx('status', 'ignore') === 0
  if (!pbxWasRunning && pbx('up') !== 0)
    throw new Error('[bench] the test PBX did not start (see above)')
  if (!pbxWasRunning)
    process.on('exit', () => pbx('down', 'ignore'))
  const hole = await blackHole()
  const relay = await wsRelay()
  const browser = await chromium.launch(chromiumLaunchOptions())
  /** Everything the bench opened: closed after each mode, whatever happened. */
  const closeAll = async () => {
    await browser.close()
    server.close()
    hole.socket.close()
    relay.close()
  }
  const started = Date.now()
  if (process.argv.includes('--load')) {
    // Development: only the cold loads, printed, nothing written.
    try {
      const ours = await loadAndRegister(browser, 'app', EXT.app)
      console.log(`[bench] iframe load → INITIALIZED ${JSON.stringify(stats(ours.load))}; navigation start → INITIALIZED ${JSON.stringify(stats(ours.navigation))}`)
      console.log(`[bench] widget load event → config.json arrived ${JSON.stringify(stats(ours.phases.configAfterLoad))}; config.json → INITIALIZED ${JSON.stringify(stats(ours.phases.initializedAfterConfig))}`)
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--snapshot')) {
    // Development: BENCH_CALLS calls of each day kind, a heap snapshot, the growing objects' retainers.
    try {
      const w = await openWidget(browser, 'app', { iframeLocation: 'remote' })
      await w.waitForHost('INITIALIZED', 1)
      await w.page.evaluate(() => window.__host.setReplyDelay(0))
      await signIn(w, EXT.app)
      const take = async () => {
        await memorySample(w)
        const chunks = []
        const onChunk = e => chunks.push(e.chunk)
        w.cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
        await w.cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
        w.cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
        return JSON.parse(chunks.join(''))
      }
      // BENCH_SNAPSHOT_KINDS: the calls in turn, as the day has them (echo, busy, inbound), echo only by default.
      const callKinds = (process.env.BENCH_SNAPSHOT_KINDS ?? 'echo').split(',')
      const seen = { answered: 0, ended: 0 }
      let made = 0
      const echo = async () => {
        const kind = callKinds[made++ % callKinds.length]
        if (kind === 'busy') {
          await w.page.evaluate(n => window.__host.dial(n), BUSY)
        }
        else if (kind === 'inbound') {
          await w.page.evaluate(agent => window.__host.callAgent('1006', agent), EXT.app)
          await w.widget.getByRole('button', { name: 'Answer', exact: true }).click({ timeout: 10_000 })
          await w.waitForHost('CALL_ANSWERED', ++seen.answered)
          await w.page.evaluate(() => window.__host.callerHangup())
        }
        else {
          await w.page.evaluate(n => window.__host.dial(n), ECHO)
          await w.waitForHost('CALL_ANSWERED', ++seen.answered)
          await w.page.evaluate(() => window.__host.endCall())
        }
        await w.waitForHost('CALL_ENDED', ++seen.ended)
        await saveWrapUp(w, 'snapshot call')
      }
      await echo()
      const first = await take()
      const before = countsByName(first)
      const beforeSizes = sizesByName(first)
      for (let i = 0; i < CALLS; i++)
        await echo()
      const snapshot = await take()
      if (process.env.BENCH_SNAPSHOT_DIR) {
        // Both snapshots as files, for DevTools' Memory panel or a second reading without the PBX.
        mkdirSync(process.env.BENCH_SNAPSHOT_DIR, { recursive: true })
        writeFileSync(join(process.env.BENCH_SNAPSHOT_DIR, 'after-1.heapsnapshot'), JSON.stringify(first))
        writeFileSync(join(process.env.BENCH_SNAPSHOT_DIR, `after-${CALLS + 1}.heapsnapshot`), JSON.stringify(snapshot))
      }
      const after = countsByName(snapshot)
      const grown = [...after].map(([name, n]) => [name, n - (before.get(name) ?? 0)]).filter(([, d]) => d >= CALLS).sort((a, b) => b[1] - a[1]).slice(0, 25)
      console.log(`[bench] objects that grew by ≥ 1 per call over ${CALLS} calls: ${grown.map(([n, d]) => `${n} +${d}`).join(', ')}`)
      const byType = sizesByType(first)
      const byKind = [...sizesByType(snapshot)].map(([type, size]) => [type, size - (byType.get(type) ?? 0)]).sort((a, b) => b[1] - a[1])
      console.log(`[bench] self size grown over ${CALLS} calls by kind (bytes; native is Blink's, outside the JS heap; code is V8's bytecode and compiled code): ${byKind.map(([n, d]) => `${n} ${d > 0 ? '+' : ''}${d}`).join(', ')}`)
      const retainedBefore = retainedByName(first)
      const retained = [...retainedByName(snapshot)].map(([name, { retained: size }]) => [name, size - (retainedBefore.get(name)?.retained ?? 0)]).sort((a, b) => b[1] - a[1]).slice(0, 25)
      console.log(`[bench] retained size grown over ${CALLS} calls (bytes, objects not inside another of the same name): ${retained.map(([n, d]) => `${n.slice(0, 80)} +${Math.round(d)}`).join(', ')}`)
      const bytes = [...sizesByName(snapshot)].map(([name, { selfSize }]) => [name, selfSize - (beforeSizes.get(name)?.selfSize ?? 0)]).sort((a, b) => b[1] - a[1]).slice(0, 25)
      console.log(`[bench] self size grown over ${CALLS} calls (bytes): ${bytes.map(([n, d]) => `${n.slice(0, 80)} +${d}`).join(', ')}`)
      for (const name of (process.env.BENCH_RETAINERS ?? 'MediaStream,MediaStreamTrack').split(',')) {
        console.log(`[bench] ${name} retained by:\n  ${retainerChains(snapshot, name).join('\n  ')}`)
        console.log(`[bench] ${name}, shortest paths from the GC roots:\n  ${rootPaths(snapshot, name).map(g => `${g.count}× ${g.path}`).join('\n  ')}`)
      }
      await w.close()
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--stall')) {
    // Development: the late scenarios' first calls in fresh widgets, BENCH_STALL_ROUNDS times (default 6),
    // to catch a wrap-up stall (saveWrapUp dumps it) in one short PBX session.
    try {
      const rounds = Number(process.env.BENCH_STALL_ROUNDS ?? 6)
      for (let round = 1; round <= rounds; round++) {
        console.log(`[bench] stall hunt, round ${round}/${rounds} …`)
        await reconnections(browser, EXT.app, 2, relay)
        await inbound(browser, 'app', EXT.app, 3)
        await inbound(browser, 'app', EXT.stun, 2, { iceServers: hole.url })
        await calls(browser, 'app', EXT.app, 2, {}, [], { profile: true, warmUp: 1 })
      }
      console.log('[bench] no stall')
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--calls')) {
    // Development: only BENCH_CALLS echo calls, ours and the baseline's, printed, nothing written.
    try {
      const ours = await calls(browser, 'app', EXT.app, CALLS)
      console.log(`[bench] ours, the last call's set-up (ms after DIAL_NUMBER posted): ${ours.lastTrace}`)
      const base = await calls(browser, 'baseline', EXT.baseline, CALLS)
      console.log(`[bench] baseline, the last call's set-up: ${base.lastTrace}`)
      for (const key of ['dial', 'inviteToOk', 'answered', 'ended'])
        console.log(`[bench] ${key}: ours ${JSON.stringify(stats(ours[key]))}; baseline ${JSON.stringify(stats(base[key]))}`)
      if (PROBE) {
        for (const [part, label] of [['widget', '200 OK → the widget\'s postMessage'], ['host', 'postMessage → the host\'s message event']])
          console.log(`[bench] answered, ${label}: ours ${JSON.stringify(stats(ours.posted.map(p => p[part])))}; baseline ${JSON.stringify(stats(base.posted.map(p => p[part])))}`)
      }
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--trace')) {
    // Development: a Chromium trace of BENCH_PROFILE_CALLS calls, the widget renderer's main thread
    // in each figure's window (what the CPU profile calls "(program)": style, layout, paint, IPC).
    try {
      for (const kind of ['app', 'baseline']) {
        const run = await calls(browser, kind, kind === 'app' ? EXT.app : EXT.baseline, PROFILE_CALLS, {}, [], { trace: true, warmUp: 2 })
        writeFileSync(join(ROOT, `dist-bench/trace-${kind}.json`), JSON.stringify(run.traceEvents))
        // Each figure's windows on the trace's clock (µs): for reading another process or thread of the trace.
        writeFileSync(join(ROOT, `dist-bench/windows-${kind}.json`), JSON.stringify(run.windows))
        for (const figure of ['dial', 'answered', 'ended'])
          console.log(`[bench] ${kind}, ${figure}: ${traceBreakdown(run.traceEvents, run.windows[figure], `http://localhost:${PORT}/`)}`)
      }
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--profile')) {
    // Development: only the CPU profile of the call events, printed, nothing written.
    try {
      const resolve = sourceResolver()
      const profile = {
        ours: profileReport(await calls(browser, 'app', EXT.app, PROFILE_CALLS, {}, [], { profile: true, warmUp: 2 }), resolve),
        baseline: profileReport(await calls(browser, 'baseline', EXT.baseline, PROFILE_CALLS, {}, [], { profile: true, warmUp: 2 }), resolve),
      }
      console.log(profileMarkdown(profile))
      writeFileSync(join(ROOT, 'dist-bench/profile.json'), `${JSON.stringify(profile, null, 2)}\n`)
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--cpu')) {
    // Development: only the day's CPU row, BENCH_CPU_RUNS times (ours, then the baseline, in turn),
    // with each renderer thread's share, printed, nothing written.
    try {
      for (let run = 1; run <= Number(process.env.BENCH_CPU_RUNS ?? 1); run++) {
        // Every other run measures the baseline first, so an effect of the order shows as a difference between runs.
        const oursFirst = run % 2 === 1
        const first = await connectedCpu(browser, oursFirst ? 'app' : 'baseline', oursFirst ? EXT.app : EXT.baseline, CPU_SECONDS)
        const second = await connectedCpu(browser, oursFirst ? 'baseline' : 'app', oursFirst ? EXT.baseline : EXT.app, CPU_SECONDS)
        const [ours, baseline] = oursFirst ? [first, second] : [second, first]
        console.log(`[bench:cpu] run ${run} (${oursFirst ? 'ours first' : 'baseline first'}), ${CPU_SECONDS} s: renderer ${ours.processCpuMs} ms vs baseline ${baseline.processCpuMs} ms (${(ours.processCpuMs / baseline.processCpuMs).toFixed(2)}×); main thread tasks ${ours.taskMs} vs ${baseline.taskMs} ms; AudioContexts [${ours.audioContexts}] vs [${baseline.audioContexts}]`)
        for (const name of new Set([...Object.keys(ours.threads ?? {}), ...Object.keys(baseline.threads ?? {})]))
          console.log(`[bench:cpu]   ${name.padEnd(24)} ${String(ours.threads?.[name] ?? 0).padStart(6)} ${String(baseline.threads?.[name] ?? 0).padStart(6)}`)
      }
    }
    finally {
      await closeAll()
    }
    return
  }
  if (process.argv.includes('--day')) {
    try {
      await workingDay(browser)
    }
    finally {
      await closeAll()
    }
    return
  }
  /** A phase's start, with the seconds since the bench started (the quick bench's budget is two minutes). */
  const say = text => console.log(`[bench] ${Math.round((Date.now() - started) / 1000)} s: ${text}`)
  try {
    say('clock check …')
    const clock = await clockCheck(browser)
    say(`load + sign-in, ${RUNS} cold loads each …`)
    const ours = await loadAndRegister(browser, 'app', EXT.app)
    const base = await loadAndRegister(browser, 'baseline', EXT.baseline)
    say(`${CALLS} calls each (softphone, baseline) …`)
    const oursCalls = await calls(browser, 'app', EXT.app, CALLS, {}, [1, CALLS])
    const baseCalls = await calls(browser, 'baseline', EXT.baseline, CALLS)
    say(`unreachable STUN (${hole.url}): ${RUNS} calls (softphone), ${BASELINE_STUN_RUNS} (baseline) …`)
    // Only DIAL_NUMBER → INVITE is read from these: the echo answers at once.
    const oursStun = await calls(browser, 'app', EXT.stun, RUNS, { iceServers: hole.url }, [], { number: ECHO })
    const baseStun = await calls(browser, 'baseline', EXT.stun, BASELINE_STUN_RUNS, { iceServers: hole.url }, [], { number: ECHO })
    say(`${RUNS} calls dialed from a second HubSpot tab (a mirror frame) …`)
    const mirrored = await mirrorCalls(browser, EXT.app, RUNS)
    say(`${CUTS} calls with the WebSocket cut for ${CUT_MS} ms mid-call …`)
    const cuts = await reconnections(browser, EXT.app, CUTS, relay)
    say(`inbound: ${RUNS} answers each, then ${OURS_INBOUND_STUN_RUNS} (softphone) and ${BASELINE_STUN_RUNS} (baseline) with the unreachable STUN server …`)
    const oursIn = await inbound(browser, 'app', EXT.app, RUNS)
    const baseIn = await inbound(browser, 'baseline', EXT.baseline, RUNS)
    const oursInStun = await inbound(browser, 'app', EXT.stun, OURS_INBOUND_STUN_RUNS, { iceServers: hole.url })
    const baseInStun = await inbound(browser, 'baseline', EXT.stun, BASELINE_STUN_RUNS, { iceServers: hole.url })
    say(`CPU profile: ${PROFILE_CALLS} calls each under the profiler …`)
    const resolve = sourceResolver()
    const profile = {
      ours: profileReport(await calls(browser, 'app', EXT.app, PROFILE_CALLS, {}, [], { profile: true, warmUp: 2 }), resolve),
      baseline: profileReport(await calls(browser, 'baseline', EXT.baseline, PROFILE_CALLS, {}, [], { profile: true, warmUp: 2 }), resolve),
    }

    const figure = (label, oursValues, baseValues) => judge({ label, ours: stats(oursValues), ...(baseValues ? { baseline: stats(baseValues) } : {}) })
    const samples = oursCalls.memory
    const first = samples.find(s => s.afterCalls === 1)
    const last = samples.find(s => s.afterCalls === CALLS)
    const growthBytes = last.heapUsedBytes - first.heapUsedBytes
    const results = {
      machine: machine(),
      config: { runs: RUNS, calls: CALLS, baselineStunRuns: BASELINE_STUN_RUNS, cuts: CUTS, cutMs: CUT_MS, profileCalls: PROFILE_CALLS, port: PORT, stun: hole.url },
      clockCheck: clock,
      figures: [
        figure('iframe load → INITIALIZED', ours.load),
        figure('widget navigation start → INITIALIZED', ours.navigation),
        figure('sign-in → REGISTER 200', ours.register, base.register),
        figure('DIAL_NUMBER → INVITE sent', oursCalls.dial, baseCalls.dial),
        figure('DIAL_NUMBER → INVITE, unreachable STUN', oursStun.dial, baseStun.dial),
        figure('DIAL_NUMBER in a mirror tab → INVITE (from the owner\'s frame)', mirrored.dial, oursCalls.dial),
        figure('200 OK → CALL_ANSWERED', oursCalls.answered, baseCalls.answered),
        figure('BYE → CALL_ENDED', oursCalls.ended, baseCalls.ended),
        figure('WebSocket back → dialog re-bound (re-INVITE 200)', cuts.rebound),
        figure(`longest inbound audio gap, ${CUT_MS / 1000} s WebSocket cut`, cuts.gaps),
        figure('inbound: Answer click → 200 OK sent', oursIn.answer, baseIn.answer),
        figure('inbound: Answer click → 200 OK, unreachable STUN', oursInStun.answer, baseInStun.answer),
      ],
      profile,
      memory: {
        calls: CALLS,
        samples,
        growthBytes,
        met: growthBytes <= 2 * 2 ** 20 && last.openPeerConnections === 0 && last.liveTracks === 0,
      },
      bytes: ours.bytes,
      raw: { ours, base, oursCalls: { ...oursCalls, cpuProfile: undefined }, baseCalls: { ...baseCalls, cpuProfile: undefined }, oursStun, baseStun, cuts, oursIn, baseIn, oursInStun, baseInStun, mirrored },
      durationSeconds: Math.round((Date.now() - started) / 1000),
    }
    const table = writeReport(results)
    console.log(`\n${table}\n\n[bench] ${results.durationSeconds} s; wrote bench/results.json, bench/RESULTS.md and the README table.`)
  }
  finally {
    await browser.close()
    server.close()
    hole.socket.close()
    relay.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
