#!/usr/bin/env node
// Ready probe for the test PBX: sends a SIP OPTIONS over the WebSocket (subprotocol "sip")
// and succeeds only when a SIP response comes back (any status line), i.e. the SIP stack
// answers, not just the HTTP upgrade.
//   node pbx/ready.mjs [ws://127.0.0.1:8088/ws] [timeoutMs]
// Exit 0 and print the status line on success; exit 1 otherwise.
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'

const url = process.argv[2] ?? 'ws://127.0.0.1:8088/ws'
const timeoutMs = Number(process.argv[3] ?? 2000)
const host = new URL(url).hostname
const tag = randomBytes(6).toString('hex')
const branch = `z9hG4bK${randomBytes(8).toString('hex')}`
const callId = `ready-${randomBytes(8).toString('hex')}`
const local = `${randomBytes(4).toString('hex')}.invalid`

const options = [
  `OPTIONS sip:${host} SIP/2.0`,
  `Via: SIP/2.0/WS ${local};branch=${branch}`,
  'Max-Forwards: 70',
  `To: <sip:${host}>`,
  `From: <sip:ready-probe@${host}>;tag=${tag}`,
  `Call-ID: ${callId}`,
  'CSeq: 1 OPTIONS',
  'Accept: application/sdp',
  'User-Agent: hubspot-sip-softphone-pbx-ready',
  'Content-Length: 0',
  '',
  '',
].join('\r\n')

const fail = (why) => {
  process.stderr.write(`ready: ${why}\n`)
  process.exit(1)
}

const timer = setTimeout(() => fail(`no SIP answer from ${url} within ${timeoutMs} ms`), timeoutMs)
const ws = new WebSocket(url, 'sip', { handshakeTimeout: timeoutMs })
ws.on('open', () => ws.send(options))
ws.on('message', (data) => {
  const text = data.toString()
  const statusLine = text.split('\r\n', 1)[0] ?? ''
  if (/^SIP\/2\.0 \d{3} /.test(statusLine) && text.includes(callId)) {
    clearTimeout(timer)
    process.stdout.write(`${statusLine}\n`)
    ws.close()
    process.exit(0)
  }
})
ws.on('error', (err) => fail(err.message))
ws.on('close', () => fail('socket closed before a SIP answer'))
