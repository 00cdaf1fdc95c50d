#!/usr/bin/env node
// `npm start`: the whole softphone on one machine — the Asterisk test PBX, the
// Vite dev server (softphone + HubSpot host simulator) — and one URL to open.
//
// Stopping: SIGINT (Ctrl-C), SIGTERM (an IDE's stop button, a process manager) or SIGHUP (the
// terminal closed) stops everything this script started: Vite, and the PBX if it was not
// already running. package.json runs this with `exec`, so the signals npm forwards (INT, TERM)
// reach this process; npm itself dies on HUP without forwarding it, so this script also stops
// when its parent goes away. A signal during start-up stops what has started so far.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Runs pbx/pbx.sh asynchronously (so signals are handled meanwhile); resolves to its exit code. */
function pbx(command, stdio = 'inherit') {
  return new Promise((resolve) => {
    // detached: a Ctrl-C aimed at this terminal's process group must not cut `pbx.sh up`
    // short and leave a half-started PBX; this script decides when to stop it.
    const child = spawn('bash', ['pbx/pbx.sh', command], { cwd: root, stdio, detached: true })
    child.on('error', () => resolve(1))
    child.on('exit', code => resolve(code ?? 1))
  })
}

let starting = true
let pbxStartedHere = false
let server
let stopRequested = null
let stopping = null

const PARENT_GONE = 'the parent process exited'

async function stop(reason) {
  // After a hang-up or without a parent the terminal may be gone: nothing may fail on writing to it.
  const quiet = reason === 'SIGHUP' || reason === PARENT_GONE
  stopping ??= (async () => {
    if (!quiet)
      console.log(`\n  ${reason}: stopping …`)
    await server?.close()
    if (pbxStartedHere)
      await pbx('down', quiet ? 'ignore' : 'inherit')
  })()
  await stopping
  process.exit(0)
}

function requestStop(reason) {
  // During start-up, finish the current step first so nothing is left half-started.
  if (starting)
    stopRequested ??= reason
  else
    void stop(reason)
}

for (const signal of STOP_SIGNALS)
  process.on(signal, () => requestStop(signal))
// A closed terminal makes writes fail (EIO/EPIPE): that must not crash us before we clean up.
process.stdout.on('error', () => {})
process.stderr.on('error', () => {})

// npm start's npm process dies on SIGHUP without passing it on: when our parent changes
// (we were re-parented to init or a subreaper), nobody can stop us any more, so we stop.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent)
    requestStop(PARENT_GONE)
}, 500).unref()

const pbxWasRunning = await pbx('status', 'ignore') === 0
if (!pbxWasRunning && !stopRequested) {
  pbxStartedHere = true
  if (await pbx('up') !== 0) {
    console.error('\nThe local PBX did not start (see above). To use an existing PBX instead, run `npm run dev` and edit dev/config.json (pbxUrl, sipDomain).')
    await pbx('down', 'ignore')
    process.exit(1)
  }
}

const port = Number(process.env.PORT ?? 5173)
if (!stopRequested) {
  try {
    server = await createServer({ root, server: { host: '127.0.0.1', port, strictPort: true } })
    await server.listen()
  }
  catch (error) {
    console.error(`\nVite could not start on port ${port}: ${error.message}\nSet PORT=<free port> to use another one.`)
    await server?.close()
    if (pbxStartedHere)
      await pbx('down')
    process.exit(1)
  }
}
starting = false
if (stopRequested) {
  await stop(stopRequested)
}
else {
  // Keeps running until a signal: Vite's server holds the event loop open.
  const host = `http://127.0.0.1:${port}/dev/host/`
  console.log(`
  Softphone + HubSpot simulator + Asterisk are running.

  Open  ${host}
        a HubSpot tab with the calling remote (HubSpot's settings: inbound calling, remote,
        calling window; switch them on the page)
  Calling window  ${host}?frame=window
        HubSpot opens it when a call starts in a tab (or press "Open calling window")
  More tabs       "Open another HubSpot tab", or open ${host} again

  Sign in as 1001 / test1001 (prefilled), then press a contact's Call button;
  "Call the agent" rings the signed-in agent.
  Ctrl-C (or SIGTERM / SIGHUP to this process or to npm) stops everything.
`)
}
