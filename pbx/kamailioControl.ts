/**
 * Test helpers for the Kamailio + rtpengine + coturn stack (pbx/kamailio.sh) and the SIPp
 * far ends behind it (pbx/sipp/*.xml). See pbx/README.md, "The Kamailio stack".
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PBX_DIR = dirname(fileURLToPath(import.meta.url))
const KAMAILIO_SH = join(PBX_DIR, 'kamailio.sh')
const SIPP_DIR = join(PBX_DIR, 'sipp')

/** The softphone's WebSocket on this stack (`?pbxUrl=…&sipDomain=127.0.0.1`). */
export const KAMAILIO_WS_URL = 'ws://127.0.0.1:8092/ws'
/** Kamailio's SIP/UDP side: where the SIPp caller sends its INVITEs. */
export const KAMAILIO_UDP = '127.0.0.1:5070'
/** Where Kamailio sends every call that is not for an agent: the SIPp callee. */
export const CALLEE_PORT = 5080
export const CALLER_PORT = 5081
/** coturn on this stack: long-term credentials (RFC 5766 §10.2), realm `turn.test`. */
export const TURN_USER = 'agent'
export const TURN_PASSWORD = 'turnpass'
export const TURN_PORT = 3479
export const TURNS_PORT = 5350

interface Result { code: number, stdout: string, stderr: string }

function run(args: string[], timeoutMs = 0): Promise<Result> {
  return new Promise((resolve) => {
    execFile('bash', [KAMAILIO_SH, ...args], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

async function runOk(args: string[], timeoutMs = 0): Promise<string> {
  const r = await run(args, timeoutMs)
  if (r.code !== 0)
    throw new Error(`pbx/kamailio.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr || r.stdout}`)
  return r.stdout.trim()
}

/** Installs what is missing (as root), starts Kamailio, rtpengine and coturn; resolves when SIP answers. Idempotent. */
export const kamailioUp = (): Promise<string> => runOk(['up'], 180_000)
export const kamailioDown = (): Promise<string> => runOk(['down'], 30_000)
export async function kamailioRunning(): Promise<boolean> {
  return (await run(['status'], 10_000)).code === 0
}
/** The IPv4 address media flows on (rtpengine, coturn, SIPp): Chromium offers no loopback candidates. */
export const mediaIp = (): Promise<string> => runOk(['media-ip'], 10_000)
export const kamailioLogPath = (): Promise<string> => runOk(['log-path'], 10_000)
/**
 * The SPKI hash (base64 SHA-256) of coturn's throw-away self-signed certificate, made on each
 * `up`: Chromium's `--ignore-certificate-errors-spki-list` trusts exactly that key for turns:.
 */
export const turnCertSpki = (): Promise<string> => runOk(['turn-spki'], 10_000)

/** SIPp's own verdict on one scripted call. */
export interface SippResult {
  /** SIPp's exit code: 0 every call passed, 1 a call failed, other values: SIPp could not run. */
  code: number
  passed: boolean
  /** SIPp's error trace and the last messages it exchanged, for a readable failure. */
  detail: string
}

export interface SippRun {
  /** Resolves with SIPp's verdict once the scenario ended (or `timeoutSeconds` passed). */
  result: Promise<SippResult>
  /** Ends SIPp now (SIGTERM) if it still runs; resolves once it has exited and freed its port. */
  stop: () => Promise<void>
}

export interface SippOptions {
  /** SIPp's global timeout: the scenario fails when it has not ended by then. Default 30. */
  timeoutSeconds?: number
  /** Values for the scenario's [key] fields (`-key name value`). */
  keys?: Record<string, string>
}

/** Whether something is bound to UDP `port` (IPv4), from /proc/net/udp. */
async function udpPortBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  const table = await readFile('/proc/net/udp', 'utf8')
  return table.split('\n').some(line => line.trim().split(/\s+/)[1]?.endsWith(hex))
}

/** Resolves once something is bound to UDP `port` on 127.0.0.1 (SIPp has no "ready" signal). */
async function udpBound(port: number, exited: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await udpPortBound(port))
      return
    if (exited())
      return
    await new Promise(r => setTimeout(r, 25))
  }
  throw new Error(`SIPp did not bind UDP port ${port}`)
}

async function startSipp(scenario: string, args: string[], port: number, options: SippOptions): Promise<SippRun> {
  // A SIPp still holding the port would answer instead of this one (and this one would die).
  for (let i = 0; await udpPortBound(port); i++) {
    if (i >= 120)
      throw new Error(`UDP port ${port} is still in use (another SIPp?): cannot start ${scenario}`)
    await new Promise(r => setTimeout(r, 25))
  }
  const dir = await mkdtemp(join(tmpdir(), 'sipp-'))
  const ip = await mediaIp()
  const keys = Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v])
  const mediaPort = port === CALLEE_PORT ? '32000' : '32100'
  const child = spawn('sipp', [
    ...args,
    '-sf', join(SIPP_DIR, `${scenario}.xml`),
    '-i', '127.0.0.1', '-p', String(port), '-t', 'u1',
    '-mi', ip, '-mp', mediaPort, '-rtp_echo',
    '-m', '1', '-timeout', `${options.timeoutSeconds ?? 30}s`, '-timeout_error',
    '-nostdin', '-trace_err', '-trace_msg',
    ...keys,
  ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stdout.resume()
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  let exited = false
  const result = new Promise<SippResult>((resolve) => {
    child.on('close', async (code) => {
      exited = true
      const files = await readdir(dir).catch(() => [] as string[])
      let detail = stderr
      for (const f of files.filter(f => f.endsWith('_errors.log')))
        detail += `\n--- ${f}\n${await readFile(join(dir, f), 'utf8')}`
      for (const f of files.filter(f => f.endsWith('_messages.log')))
        detail += `\n--- ${f} (last 6000 chars)\n${(await readFile(join(dir, f), 'utf8')).slice(-6000)}`
      await rm(dir, { recursive: true, force: true })
      resolve({ code: code ?? -1, passed: code === 0, detail })
    })
  })
  await udpBound(port, () => exited)
  if (exited) {
    const r = await result
    throw new Error(`SIPp (${scenario}) exited at start (exit ${r.code}):\n${r.detail}`)
  }
  return {
    result,
    stop: async () => {
      if (!exited)
        child.kill('SIGTERM')
      await result
    },
  }
}

/** A SIPp callee (UAS) on 127.0.0.1:5080 running `pbx/sipp/<scenario>.xml` for one call. */
export function sippCallee(scenario: string, options: SippOptions = {}): Promise<SippRun> {
  return startSipp(scenario, [], CALLEE_PORT, options)
}

/** A SIPp caller (UAC) calling `agent` through Kamailio with `pbx/sipp/<scenario>.xml`. */
export function sippCaller(scenario: string, agent: string, options: SippOptions = {}): Promise<SippRun> {
  return startSipp(scenario, [KAMAILIO_UDP, '-s', agent], CALLER_PORT, options)
}

/** A point in Kamailio's log (its size now); later reads see only what came after. */
export async function kamailioLogMarker(): Promise<{ path: string, offset: number }> {
  const path = await kamailioLogPath()
  const size = (await readFile(path)).length
  return { path, offset: size }
}

/**
 * Waits until Kamailio logged a line matching `pattern` after `marker` (the script logs every
 * request as `IN <method> <uri> from <proto>:<ip>:<port> ci=<Call-ID>` and every reply to an
 * INVITE/UPDATE as `REPLY <status> <reason> (<CSeq>) from …`).
 */
export async function waitForKamailioLog(marker: { path: string, offset: number }, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const text = (await readFile(marker.path)).subarray(marker.offset).toString('utf8')
    const m = text.match(pattern)
    if (m)
      return m
    if (Date.now() >= deadline)
      throw new Error(`Kamailio log: no ${String(pattern)} within ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 100))
  }
}
