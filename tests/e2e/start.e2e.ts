/**
 * `npm start` stops everything it started on SIGINT, SIGTERM and SIGHUP sent to the pid of
 * `npm start` itself (an IDE's stop button, a process manager, a closed terminal), not only on a
 * terminal's Ctrl-C (which reaches the whole process group).
 *
 * It runs against the second PBX instance (`PBX_INSTANCE=faults`, pbx/README.md), which nobody
 * else has started: npm start starts it, so npm start must stop it. The shared PBX is not touched.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pbxDown, pbxStatus } from '../../pbx/control'
import { E2E_PORT } from './globalSetup'

const PORT = E2E_PORT + 1

/** Every live process whose ancestry leads to `root` (from /proc), `root` included. */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry))
      continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid …: comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parentOf.set(Number(entry), ppid)
    }
    catch { /* exited meanwhile */ }
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parentOf) {
      if (ppid === tree[i])
        tree.push(pid)
    }
  }
  return tree
}

/** Whether a process (or, for a negative number, any process of that group) exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

function asteriskPid(detail: string): number | null {
  const match = /pid (\d+)/.exec(detail)
  return match ? Number(match[1]) : null
}

let npm: ChildProcess | null = null
let output = ''

/** Starts `npm start` and resolves once it printed the URL to open. */
async function npmStart(): Promise<ChildProcess> {
  output = ''
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(PORT), PBX_INSTANCE: 'faults', PBX_FAULTS_PASSWORDS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the safety net below can reach whatever it leaves behind.
    detached: true,
  })
  npm = child
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(`Open  http://127.0.0.1:${PORT}/dev/host/`))
        resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', code => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)))
  })
  return child
}

describe('npm start', () => {
  beforeAll(async () => {
    // A leftover faults instance (an aborted run) would be "someone else's" PBX to npm start.
    if ((await pbxStatus('faults')).running)
      await pbxDown('faults')
  })

  afterEach(async () => {
    // Safety net: nothing of a failed run may outlive the test.
    if (npm?.pid && alive(-npm.pid))
      process.kill(-npm.pid, 'SIGKILL')
    npm = null
    if ((await pbxStatus('faults')).running)
      await pbxDown('faults')
  })

  it.each([
    ['SIGINT', 'npm'],
    ['SIGTERM', 'npm'],
    ['SIGHUP', 'npm'],
    // What a process manager that found the node process (ps, pgrep) sends.
    ['SIGTERM', 'start.mjs'],
  ] as const)('%s to %s\'s pid stops Vite, the PBX it started and every process it spawned', async (signal, target) => {
    const sharedBefore = await pbxStatus()
    const child = await npmStart()
    const started = await pbxStatus('faults')
    expect(started.running).toBe(true)
    const asterisk = asteriskPid(started.detail)
    expect(asterisk).not.toBeNull()
    const page = await fetch(`http://127.0.0.1:${PORT}/dev/host/`)
    expect(page.status).toBe(200)
    const tree = processTree(child.pid!)
    // npm, sh's exec'd node (start.mjs): at least two processes.
    expect(tree.length).toBeGreaterThanOrEqual(2)

    const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })))
    // package.json runs start.mjs with exec: npm's only child is node itself.
    const startMjs = tree.find(pid => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('scripts/start.mjs'))
    expect(startMjs).toBe(tree[1])
    process.kill(target === 'npm' ? child.pid! : startMjs!, signal)
    const result = await exited

    // npm passes INT and TERM on and exits with start.mjs's clean 0; HUP kills npm itself,
    // and start.mjs notices it lost its parent.
    if (signal === 'SIGHUP')
      expect(result.signal).toBe('SIGHUP')
    else
      expect(result).toEqual({ code: 0, signal: null })
    await expect.poll(() => [...tree, asterisk!].filter(alive), { timeout: 20_000, interval: 200 }).toEqual([])
    expect((await pbxStatus('faults')).running).toBe(false)
    expect(await portOpen(PORT)).toBe(false)
    // The shared PBX is as it was.
    expect((await pbxStatus()).running).toBe(sharedBefore.running)
  })
})
