#!/usr/bin/env node
// `npm start`: the whole softphone on one machine — the Asterisk test PBX, the
// Vite dev server (softphone + HubSpot host simulator) — and one URL to open.
// Ctrl-C stops everything this script started.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const pbx = (command, stdio = 'inherit') => spawnSync('bash', ['pbx/pbx.sh', command], { cwd: root, stdio }).status ?? 1

const pbxWasRunning = pbx('status', 'ignore') === 0
if (!pbxWasRunning && pbx('up') !== 0) {
  console.error('\nThe local PBX did not start (see above). To use an existing PBX instead, run `npm run dev` and edit dev/config.json (pbxUrl, sipDomain).')
  process.exit(1)
}

const port = Number(process.env.PORT ?? 5173)
let server
try {
  server = await createServer({ root, server: { host: '127.0.0.1', port, strictPort: true } })
  await server.listen()
}
catch (error) {
  console.error(`\nVite could not start on port ${port}: ${error.message}\nSet PORT=<free port> to use another one.`)
  if (!pbxWasRunning)
    pbx('down')
  process.exit(1)
}

console.log(`
  Softphone + HubSpot simulator + Asterisk are running.

  Open  http://127.0.0.1:${port}/dev/host/

  Sign in as 1001 / test1001 (prefilled), then press a contact's Call button.
  Ctrl-C stops everything.
`)

let stopping = false
async function stop() {
  if (stopping)
    return
  stopping = true
  await server.close()
  if (!pbxWasRunning)
    pbx('down')
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
