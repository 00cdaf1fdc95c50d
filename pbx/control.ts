/**
 * Control of the local test PBX (Asterisk in a chroot, see pbx/README.md) for end-to-end
 * tests and the `npm start` script. Every call shells out to pbx/pbx.sh.
 *
 *   await pbxUp()                                   // provision on first use, start, wait for SIP
 *   const mark = await logMarker()
 *   // ... drive the softphone ...
 *   expect(await dialedNumbersSince(mark)).toEqual([])            // "the PBX saw no INVITE"
 *   for (const n of await dialedNumbersSince(mark)) expect(n).toMatch(/^\+\d+$/)
 */
import { Buffer } from 'node:buffer'
import { execFile } from 'node:child_process'
import { open, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const PBX_SH = fileURLToPath(new URL('./pbx.sh', import.meta.url))

/** WebSocket URL of the test PBX (plain ws on loopback). */
export const PBX_WS_URL = 'ws://127.0.0.1:8088/ws'
/**
 * Which Asterisk: the shared default instance, or `'faults'`, a second independent one (same
 * chroot, own config/astdb/log) that fault tests may stop and start (pbx/README.md).
 */
export type PbxInstance = 'default' | 'faults'
/** WebSocket URL of each instance. */
export const PBX_WS_URLS: Record<PbxInstance, string> = {
  default: PBX_WS_URL,
  faults: 'ws://127.0.0.1:8090/ws',
}
/** SIP domain the agents register with. */
export const PBX_SIP_DOMAIN = '127.0.0.1'
/** Agent extensions; the password of each is `test<ext>`. */
export const PBX_AGENTS = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008', '1009', '1010'] as const
export const pbxPassword = (extension: string): string => `test${extension}`

/** The test numbers of pbx/asterisk/extensions.conf, short and E.164. */
export const TEST_NUMBERS = {
  echo: { short: '600', e164: '+442079460600' },
  message: { short: '601', e164: '+442079460601' },
  busy: { short: '602', e164: '+442079460602' },
  noAnswer: { short: '603', e164: '+442079460603' },
  decline: { short: '604', e164: '+442079460604' },
  unavailable: { short: '605', e164: '+442079460605' },
  unknown: { short: '606', e164: '+442079460606' },
  dtmf: { short: '607', e164: '+442079460607' },
  earlyMedia: { short: '608', e164: '+442079460608' },
  pickup: { short: '609', e164: '+442079460609' },
} as const

export interface PbxResult {
  code: number
  stdout: string
  stderr: string
}

export class PbxError extends Error {
  constructor(
    message: string,
    readonly result: PbxResult,
  ) {
    super(message)
    this.name = 'PbxError'
  }
}

function run(args: string[], timeoutMs = 0, instance: PbxInstance = 'default', extraEnv: Record<string, string> = {}): Promise<PbxResult> {
  const env = { ...process.env, PBX_FAULTS_PASSWORDS: '', ...extraEnv, PBX_INSTANCE: instance === 'default' ? '' : instance }
  return new Promise((resolve) => {
    execFile('bash', [PBX_SH, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env }, (err, stdout, stderr) => {
      let code = 0
      if (err) code = typeof err.code === 'number' ? err.code : 1
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

async function runOk(args: string[], timeoutMs = 0, instance: PbxInstance = 'default', extraEnv: Record<string, string> = {}): Promise<PbxResult> {
  const r = await run(args, timeoutMs, instance, extraEnv)
  if (r.code !== 0) {
    const prefix = instance === 'default' ? '' : `PBX_INSTANCE=${instance} `
    throw new PbxError(`${prefix}pbx/pbx.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr || r.stdout}`, r)
  }
  return r
}

export interface PbxUpOptions {
  /**
   * Test only, `'faults'` only: agents that get another password in that instance's
   * configuration when this `up` starts it (`PBX_FAULTS_PASSWORDS`, pbx/README.md), e.g.
   * `{ '1007': 'changed1007' }`. The next `up` that starts it without them restores `test<ext>`.
   * No effect on an instance that is already running.
   */
  passwords?: Record<string, string>
}

/** Provisions the chroot on first use (about a minute), starts Asterisk, resolves when it answers SIP. Idempotent. */
export async function pbxUp(instance: PbxInstance = 'default', options: PbxUpOptions = {}): Promise<string> {
  const overrides = Object.entries(options.passwords ?? {})
  if (overrides.length > 0 && instance !== 'faults')
    throw new Error('pbxUp: passwords can be overridden only on the faults instance')
  const env = { PBX_FAULTS_PASSWORDS: overrides.map(([ext, pw]) => `${ext}=${pw}`).join(' ') }
  const out = (await runOk(['up'], 0, instance, env)).stdout.trim()
  if (overrides.length > 0 && out.includes('already running'))
    throw new Error('pbxUp: the faults instance was already running, so its passwords were not changed: stop it first')
  return out
}

/** Stops Asterisk (TERM, then KILL), unmounts /proc, removes the helper veth if `up` made one. */
export async function pbxDown(instance: PbxInstance = 'default'): Promise<string> {
  return (await runOk(['down'], 30_000, instance)).stdout.trim()
}

/**
 * Kills Asterisk (SIGKILL): calls end without a BYE and the WebSocket just closes, like a PBX
 * crash or a network cut. Then cleans up like pbxDown. Meant for the 'faults' instance.
 */
export async function pbxCrash(instance: PbxInstance = 'default'): Promise<string> {
  return (await runOk(['crash'], 30_000, instance)).stdout.trim()
}

export interface PbxStatus {
  running: boolean
  detail: string
}

export async function pbxStatus(instance: PbxInstance = 'default'): Promise<PbxStatus> {
  const r = await run(['status'], 10_000, instance)
  return { running: r.code === 0, detail: r.stdout.trim() }
}

/** Runs an Asterisk CLI command (`asterisk -rx`) and returns its output, e.g. pbxCli('pjsip show contacts'). */
export async function pbxCli(command: string, instance: PbxInstance = 'default'): Promise<string> {
  return (await runOk(['cli', command], 15_000, instance)).stdout
}

/** Absolute path of Asterisk's full log (verbose + every SIP message). It is emptied on each `up`. */
export async function pbxLogPath(instance: PbxInstance = 'default'): Promise<string> {
  return (await runOk(['log-path'], 10_000, instance)).stdout.trim()
}

/** A point in the PBX log: later reads only see what Asterisk logged after it. */
export interface LogMarker {
  path: string
  offset: number
}

/**
 * Marks the current end of the log. Asterisk writes its log asynchronously, so this waits
 * `settleMs` first to let lines about earlier activity land before the mark.
 */
export async function logMarker(settleMs = 150, instance: PbxInstance = 'default'): Promise<LogMarker> {
  const path = await pbxLogPath(instance)
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs))
  const size = await stat(path).then((s) => s.size, () => 0)
  return { path, offset: size }
}

/** The log text written since `marker` (all of it if the log was emptied by a restart since). */
export async function logSince(marker: LogMarker): Promise<string> {
  const fh = await open(marker.path, 'r')
  try {
    const { size } = await fh.stat()
    const from = marker.offset <= size ? marker.offset : 0
    const buf = Buffer.alloc(size - from)
    await fh.read(buf, 0, buf.length, from)
    return buf.toString('utf8')
  } finally {
    await fh.close()
  }
}

/** Waits until the log since `marker` matches `pattern`; returns the match or throws after `timeoutMs`. */
export async function waitForLog(marker: LogMarker, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const m = (await logSince(marker)).match(pattern)
    if (m) return m
    if (Date.now() >= deadline) throw new Error(`PBX log: no ${String(pattern)} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * A barrier in the log: sends the PBX a SIP OPTIONS of its own and waits until Asterisk
 * logged it. Whatever reached Asterisk before — an INVITE that should not have been sent —
 * is then in the log too, so "nothing arrived" can be asserted without guessing a delay.
 */
export async function logBarrier(marker: LogMarker, instance: PbxInstance = 'default'): Promise<void> {
  await runOk(['ready'], 15_000, instance)
  await waitForLog(marker, /<--- Received SIP request \(\d+ bytes\)[^\n]*--->\r?\nOPTIONS /)
}

export interface ReceivedInvite {
  /** Log timestamp, e.g. "2026-01-01 12:00:00.123". */
  at: string
  /** Full Request-URI, e.g. "sip:+442079460600@127.0.0.1". */
  requestUri: string
  /** Request-URI user part exactly as received (not percent-decoded), "" if none. */
  user: string
  callId: string
  from: string
  /** True for a re-INVITE inside a dialog (To has a tag), e.g. hold/unhold. */
  inDialog: boolean
  /** True when it carried credentials (the answer to a 401 challenge). */
  authorized: boolean
}

const RECEIVED_INVITE =
  /^\[([^\]]+)\][^\n]*<--- Received SIP request \(\d+ bytes\) from [^\n]* --->\n(INVITE (\S+) SIP\/2\.0\n[\s\S]*?)\n\n/gm

function header(block: string, name: string): string {
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im')
  return re.exec(block)?.[1]?.trim() ?? ''
}

export function parseInvites(logText: string): ReceivedInvite[] {
  const out: ReceivedInvite[] = []
  // SIP messages are logged with their CRLF line ends.
  for (const m of logText.replace(/\r\n/g, '\n').matchAll(RECEIVED_INVITE)) {
    const block = m[2] ?? ''
    const requestUri = m[3] ?? ''
    const user = /^sips?:([^@;?]*)@/i.exec(requestUri)?.[1] ?? ''
    out.push({
      at: m[1] ?? '',
      requestUri,
      user,
      callId: header(block, '(?:Call-ID|i)'),
      from: header(block, '(?:From|f)'),
      inDialog: /;\s*tag=/i.test(header(block, '(?:To|t)')),
      authorized: /^(?:Proxy-)?Authorization:/im.test(block),
    })
  }
  return out
}

/** Every INVITE Asterisk received since `marker` (challenged, authorized and re-INVITEs alike). */
export async function invitesSince(marker: LogMarker): Promise<ReceivedInvite[]> {
  return parseInvites(await logSince(marker))
}

/**
 * The numbers `agent` dialled since `marker`: the Request-URI user part of each new call
 * (initial INVITEs, one per Call-ID), in order. `[]` means the PBX saw no call attempt from
 * that agent. Only that agent's INVITEs count: the PBX is shared with other test runs.
 */
export async function dialedNumbersSince(marker: LogMarker, agent: string): Promise<string[]> {
  const seen = new Set<string>()
  const numbers: string[] = []
  for (const inv of await invitesSince(marker)) {
    if (inv.inDialog || seen.has(inv.callId) || !inv.from.includes(`sip:${agent}@`)) continue
    seen.add(inv.callId)
    numbers.push(inv.user)
  }
  return numbers
}

/** Digits the 607 DTMF collector logged since `marker` ("DTMF-COLLECTED: <digits>"), one entry per call. */
export async function dtmfCollectedSince(marker: LogMarker): Promise<string[]> {
  // Only Verbose()'s own output line, not the "Executing ... Verbose(...)" trace before it.
  const re = /app_verbose\.c: DTMF-COLLECTED: ([0-9A-D*#]*)\s*$/gm
  return [...(await logSince(marker)).matchAll(re)].map((m) => m[1] ?? '')
}

export interface ReceivedRegister {
  at: string
  callId: string
  /** The CSeq number: a REGISTER answering a challenge has the next one. */
  cseq: number
  /** True when it carried credentials (the answer to a 401 challenge). */
  authorized: boolean
  /** Asterisk's final answer to it (200, 401, 403…), 0 if none was logged. */
  answer: number
}

const RECEIVED_REGISTER =
  /^\[([^\]]+)\][^\n]*<--- Received SIP request \(\d+ bytes\) from [^\n]* --->\nREGISTER \S+ SIP\/2\.0\n([\s\S]*?)\n\n/gm
const SENT_RESPONSE =
  /^\[[^\]]+\][^\n]*<--- Transmitting SIP response \(\d+ bytes\) to [^\n]* --->\nSIP\/2\.0 (\d{3}) [^\n]*\n([\s\S]*?)\n\n/gm

/** Every REGISTER `agent` sent since `marker` (From user = agent), with Asterisk's answer to each, in order. */
export async function registersSince(marker: LogMarker, agent: string): Promise<ReceivedRegister[]> {
  const text = (await logSince(marker)).replace(/\r\n/g, '\n')
  const answers = new Map<string, number>()
  for (const m of text.matchAll(SENT_RESPONSE)) {
    const block = m[2] ?? ''
    const cseq = /^(\d+)\s+REGISTER$/i.exec(header(block, 'CSeq'))
    const status = Number(m[1])
    if (cseq && status >= 200)
      answers.set(`${header(block, '(?:Call-ID|i)')} ${cseq[1]}`, status)
  }
  const out: ReceivedRegister[] = []
  for (const m of text.matchAll(RECEIVED_REGISTER)) {
    const block = m[2] ?? ''
    if (!header(block, '(?:From|f)').includes(`sip:${agent}@`))
      continue
    const callId = header(block, '(?:Call-ID|i)')
    const cseq = Number(/^(\d+)/.exec(header(block, 'CSeq'))?.[1] ?? 0)
    out.push({ at: m[1] ?? '', callId, cseq, authorized: /^Authorization:/im.test(block), answer: answers.get(`${callId} ${cseq}`) ?? 0 })
  }
  return out
}

export interface ReceivedResponse {
  at: string
  status: number
  reason: string
  /** The CSeq method, e.g. "INVITE". */
  method: string
  callId: string
  /** The To header's user part: for Asterisk's INVITE to an agent, the agent's extension. */
  toUser: string
}

const RECEIVED_RESPONSE =
  /^\[([^\]]+)\][^\n]*<--- Received SIP response \(\d+ bytes\) from [^\n]* --->\nSIP\/2\.0 (\d{3}) ([^\n]*)\n([\s\S]*?)\n\n/gm

export function parseResponses(logText: string): ReceivedResponse[] {
  const out: ReceivedResponse[] = []
  for (const m of logText.replace(/\r\n/g, '\n').matchAll(RECEIVED_RESPONSE)) {
    const block = m[4] ?? ''
    out.push({
      at: m[1] ?? '',
      status: Number(m[2]),
      reason: (m[3] ?? '').trim(),
      method: /^\d+\s+(\S+)/.exec(header(block, 'CSeq'))?.[1] ?? '',
      callId: header(block, '(?:Call-ID|i)'),
      toUser: /sips?:([^@;>]*)@/i.exec(header(block, '(?:To|t)'))?.[1] ?? '',
    })
  }
  return out
}

/**
 * The final responses (>= 200) an agent's phone sent Asterisk for INVITEs to `extension`
 * since `marker`, e.g. `[603]` after a decline, `[486]` when busy, `[200]` when answered.
 */
export async function agentAnswersSince(marker: LogMarker, extension: string): Promise<number[]> {
  // Asterisk addresses the INVITE (and so its To) to the Contact the phone registered
  // (sip.js: a random user), not to the extension: find that user.
  // Every contact the extension ever registered in this PBX run counts, not only the current one:
  // another phone of the same agent may have replaced it since (remove_existing).
  const contacts = await pbxCli('pjsip show contacts')
  const users = new Set([extension])
  for (const m of contacts.matchAll(new RegExp(`^\\s*Contact:\\s+${extension}/sips?:([^@\\s]+)@`, 'gm')))
    users.add(m[1] ?? '')
  const wholeLog = await logSince({ path: marker.path, offset: 0 })
  for (const m of wholeLog.matchAll(new RegExp(`Added contact 'sips?:([^@']+)@[^']*' to AOR '${extension}'`, 'g')))
    users.add(m[1] ?? '')
  return parseResponses(await logSince(marker))
    .filter(r => r.method === 'INVITE' && r.status >= 200 && users.has(r.toUser))
    .map(r => r.status)
}
