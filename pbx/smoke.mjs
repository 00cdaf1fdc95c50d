#!/usr/bin/env node
// SIP-level smoke test of the running test PBX (no browser, no media):
//   - REGISTER 1001 and 1002 over ws://127.0.0.1:8088/ws with digest auth
//   - INVITE every test number (short and E.164) from 1001 and check the SIP outcome
//   - 607: send DTMF by SIP INFO and check Asterisk logged "DTMF-COLLECTED: <digits>"
//   - 1001 calls 1002: the INVITE reaches 1002's WebSocket; 1002 answers 486
// Usage: node pbx/smoke.mjs [ws-url]   (pbx/pbx.sh up first). Exit 0 when all pass.
// The SDP offer carries a loopback-only ICE candidate, so nothing leaves this machine.
import { Buffer } from 'node:buffer'
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

const url = process.argv[2] ?? 'ws://127.0.0.1:8088/ws'
const domain = new URL(url).hostname
const here = dirname(fileURLToPath(import.meta.url))
const logPath = execFileSync(join(here, 'pbx.sh'), ['log-path'], { encoding: 'utf8' }).trim()

const hex = (n) => randomBytes(n).toString('hex')
const md5 = (s) => createHash('md5').update(s).digest('hex')
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function parse(text) {
  const [head, ...rest] = text.split('\r\n\r\n')
  const lines = head.split('\r\n')
  const first = lines.shift()
  const headers = []
  for (const l of lines) {
    const i = l.indexOf(':')
    headers.push([l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()])
  }
  const get = (n) => headers.find(([k]) => k === n)?.[1]
  const all = (n) => headers.filter(([k]) => k === n).map(([, v]) => v)
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(first)
  return {
    text, first, headers, get, all, body: rest.join('\r\n\r\n'),
    status: m ? Number(m[1]) : undefined,
    method: m ? undefined : first.split(' ')[0],
  }
}

function sdpOffer() {
  const fp = Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
  return [
    'v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 101', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host generation 0',
    `a=ice-ufrag:${hex(4)}`, `a=ice-pwd:${hex(12)}`, `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass',
    'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', '',
  ].join('\r\n')
}

class Ua {
  constructor(user) {
    this.user = user
    this.password = `test${user}`
    this.host = `${hex(4)}.invalid`
    this.contact = `<sip:${hex(4)}@${this.host};transport=ws>`
    this.waiters = []
    this.onRequest = () => {}
  }

  connect() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(url, 'sip')
      this.ws.on('open', resolve)
      this.ws.on('error', reject)
      this.ws.on('message', (d) => this.receive(parse(d.toString())))
    })
  }

  close() { this.ws.close() }

  receive(msg) {
    if (msg.method) { this.onRequest(msg); return }
    const w = this.waiters.find((x) => x.callId === msg.get('call-id') && x.cseq === msg.get('cseq'))
    if (!w) return
    if (msg.status < 200) { w.provisional(msg); return }
    this.waiters.splice(this.waiters.indexOf(w), 1)
    w.resolve(msg)
  }

  send(text) { this.ws.send(text) }

  respond(req, status, reason, extra = []) {
    const keep = ['via', 'from', 'call-id', 'cseq']
    const lines = [`SIP/2.0 ${status} ${reason}`]
    for (const [k, v] of req.headers) if (keep.includes(k)) lines.push(`${k}: ${v}`)
    let to = req.get('to')
    if (status > 100 && !/;tag=/.test(to)) to += `;tag=${hex(4)}`
    lines.push(`To: ${to}`, ...extra, 'Content-Length: 0', '', '')
    this.send(lines.join('\r\n'))
  }

  // Sends a request and resolves with its final response (auth answered once if challenged).
  async request(d, method, ruri, { body, contentType, provisional = () => {}, to } = {}) {
    let auth
    for (let attempt = 0; attempt < 2; attempt++) {
      d.cseq += 1
      const branch = `z9hG4bK${hex(8)}`
      const cseq = `${d.cseq} ${method}`
      const lines = [
        `${method} ${ruri} SIP/2.0`, `Via: SIP/2.0/WS ${this.host};branch=${branch}`, 'Max-Forwards: 70',
        `To: ${to ?? d.to}`, `From: <sip:${this.user}@${domain}>;tag=${d.tag}`, `Call-ID: ${d.callId}`,
        `CSeq: ${cseq}`, `Contact: ${this.contact}`, 'User-Agent: pbx-smoke',
      ]
      if (method === 'REGISTER') lines.push('Expires: 600')
      if (auth) lines.push(auth)
      if (body) lines.push(`Content-Type: ${contentType}`)
      lines.push(`Content-Length: ${body ? Buffer.byteLength(body) : 0}`, '', body ?? '')
      const res = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} ${ruri}: no final answer`)), 15000)
        this.waiters.push({
          callId: d.callId, cseq, provisional,
          resolve: (m) => { clearTimeout(timer); resolve(m) },
        })
        this.send(lines.join('\r\n'))
      })
      if (method === 'INVITE' && res.status >= 300) this.ack(d, ruri, branch, res)
      if ((res.status === 401 || res.status === 407) && attempt === 0) {
        auth = this.authorization(res, method, ruri)
        continue
      }
      return { res, branch }
    }
    throw new Error('unreachable')
  }

  ack(d, ruri, branch, res) {
    this.send([
      `ACK ${ruri} SIP/2.0`, `Via: SIP/2.0/WS ${this.host};branch=${branch}`, 'Max-Forwards: 70',
      `To: ${res.get('to')}`, `From: <sip:${this.user}@${domain}>;tag=${d.tag}`, `Call-ID: ${d.callId}`,
      `CSeq: ${d.cseq} ACK`, 'Content-Length: 0', '', '',
    ].join('\r\n'))
  }

  authorization(res, method, uri) {
    const challenges = res.all(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate')
    const ch = challenges.find((c) => /algorithm=MD5\b/i.test(c) || !/algorithm=/i.test(c))
    const p = Object.fromEntries([...ch.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]))
    const ha1 = md5(`${this.user}:${p.realm}:${this.password}`)
    const ha2 = md5(`${method}:${uri}`)
    const cnonce = hex(8)
    const nc = '00000001'
    const qop = p.qop ? 'auth' : undefined
    const response = qop ? md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`)
    let h = `Digest username="${this.user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", response="${response}", algorithm=MD5`
    if (p.opaque) h += `, opaque="${p.opaque}"`
    if (qop) h += `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`
    return `${res.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${h}`
  }

  dialog(toUser) {
    return { callId: `smoke-${hex(8)}`, tag: hex(4), cseq: 0, to: `<sip:${toUser}@${domain}>` }
  }

  async register() {
    const d = this.dialog(this.user)
    const { res } = await this.request(d, 'REGISTER', `sip:${domain}`)
    return res
  }
}

let failures = 0
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures += 1
}
const logSince = (offset) => {
  const buf = readFileSync(logPath)
  return buf.subarray(Math.min(offset, buf.length)).toString('utf8')
}
const logSize = () => statSync(logPath).size

const a = new Ua('1001')
const b = new Ua('1002')
await a.connect()
await b.connect()
const ra = await a.register()
check(ra.status === 200, `REGISTER 1001 -> ${ra.status} (digest auth)`)
const rb = await b.register()
check(rb.status === 200, `REGISTER 1002 -> ${rb.status}`)

// In-dialog handling for calls from 1001: answer Asterisk's BYE.
const byes = new Map()
a.onRequest = (req) => {
  if (req.method === 'BYE') {
    a.respond(req, 200, 'OK')
    byes.get(req.get('call-id'))?.()
  } else if (req.method === 'OPTIONS') {
    a.respond(req, 200, 'OK')
  }
}

async function call(number, { onEstablished, onProvisional } = {}) {
  const d = a.dialog(number)
  const ruri = `sip:${number}@${domain}`
  const provisionals = []
  const t0 = Date.now()
  const { res } = await a.request(d, 'INVITE', ruri, {
    body: sdpOffer(), contentType: 'application/sdp',
    provisional: (m) => { provisionals.push(m.status); onProvisional?.(m, d, ruri) },
  })
  if (res.status === 200) {
    // ACK the 2xx (new branch), then let the test drive the dialog.
    d.to = res.get('to')
    const byeFromPbx = new Promise((r) => byes.set(d.callId, () => r(Date.now() - t0)))
    a.ack(d, ruri, `z9hG4bK${hex(8)}`, res)
    await onEstablished?.(d, ruri, byeFromPbx, res)
  }
  return { status: res.status, provisionals, res }
}

const numbers = (short) => [short, `+44207946${short.padStart(4, '0')}`]

for (const n of numbers('600')) {
  const r = await call(n, {
    onEstablished: async (d, ruri, _bye, res) => {
      check(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF/.test(res.body) && /a=fingerprint:/.test(res.body) && /a=ice-ufrag:/.test(res.body),
        `${n} answer SDP is WebRTC (SAVPF, DTLS fingerprint, ICE)`)
      check(/a=rtpmap:\d+ opus\/48000\/2/.test(res.body), `${n} answer SDP picked opus`)
      await sleep(500)
      const { res: bye } = await a.request(d, 'BYE', ruri)
      check(bye.status === 200, `${n} BYE from us -> ${bye.status}`)
    },
  })
  check(r.status === 200, `${n} echo -> ${r.status}`)
}

for (const n of numbers('609')) {
  const t0 = Date.now()
  let answeredAfter = -1
  const r = await call(n, {
    onEstablished: async (d, ruri) => {
      answeredAfter = Date.now() - t0
      const { res: bye } = await a.request(d, 'BYE', ruri)
      check(bye.status === 200, `${n} BYE from us -> ${bye.status}`)
    },
  })
  check(r.status === 200 && r.provisionals.includes(180) && answeredAfter >= 200, `${n} pickup -> 180, then ${r.status} after ${answeredAfter} ms`)
}

for (const n of numbers('601')) {
  let byeAfter = -1
  const r = await call(n, {
    onEstablished: async (_d, _ruri, bye) => {
      byeAfter = await Promise.race([bye, sleep(8000).then(() => -1)])
    },
  })
  check(r.status === 200 && byeAfter > 2500 && byeAfter < 6000, `${n} message -> ${r.status}, PBX hung up after ${byeAfter} ms`)
}

for (const [short, code] of [['602', 486], ['604', 603], ['605', 503], ['606', 404]]) {
  for (const n of numbers(short)) {
    const r = await call(n)
    check(r.status === code, `${n} -> ${r.status} (want ${code})`)
  }
}
for (const n of ['999', '+442079460999', '+15555550100']) {
  const r = await call(n)
  check(r.status === 404, `unknown ${n} -> ${r.status} (want 404)`)
}

for (const n of numbers('603')) {
  const r = await call(n, {
    onProvisional: (m, d, ruri) => {
      if (m.status === 180 && !d.cancelled) {
        d.cancelled = true
        setTimeout(() => {
          // CANCEL uses the INVITE's branch and CSeq number: rebuild from the pending waiter.
          const w = a.waiters.find((x) => x.callId === d.callId)
          const via = m.get('via').replace(/;rport=\d+|;received=[^;]+/g, '')
          a.send([
            `CANCEL ${ruri} SIP/2.0`, `Via: ${via}`, 'Max-Forwards: 70', `To: <sip:${n}@${domain}>`,
            `From: <sip:1001@${domain}>;tag=${d.tag}`, `Call-ID: ${d.callId}`, `CSeq: ${w.cseq.split(' ')[0]} CANCEL`,
            'Content-Length: 0', '', '',
          ].join('\r\n'))
        }, 2000)
      }
    },
  })
  check(r.provisionals.includes(180) && r.status === 487, `${n} no answer -> 180 Ringing, still ringing after 2 s, CANCEL -> ${r.status}`)
}

for (const n of numbers('607')) {
  const digits = n.startsWith('+') ? '4219' : '123'
  const mark = logSize()
  let byeAfter = -1
  const r = await call(n, {
    onEstablished: async (d, ruri, bye) => {
      await sleep(300)
      for (const ch of [...digits, '#']) {
        const { res } = await a.request(d, 'INFO', ruri, {
          body: `Signal=${ch}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay',
        })
        if (res.status !== 200) check(false, `${n} INFO ${ch} -> ${res.status}`)
        await sleep(200)
      }
      byeAfter = await Promise.race([bye, sleep(5000).then(() => -1)])
    },
  })
  await sleep(200)
  const logged = logSince(mark).match(/DTMF-COLLECTED: ([0-9*#A-D]*)/)?.[1]
  check(r.status === 200 && logged === digits && byeAfter > 0, `${n} DTMF -> ${r.status}, log "DTMF-COLLECTED: ${logged}", PBX hung up`)
}

// Agent to agent: 1002's socket must receive the INVITE (Request-URI user = 1002's contact).
let bGotInvite = false
b.onRequest = (req) => {
  if (req.method === 'INVITE') {
    bGotInvite = true
    b.respond(req, 100, 'Trying')
    setTimeout(() => b.respond(req, 486, 'Busy Here'), 300)
  }
}
const r12 = await call('1002')
check(bGotInvite && r12.status === 486, `1001 -> 1002: INVITE reached 1002 over its WebSocket, 1002 busy -> caller got ${r12.status}`)
const r13 = await call('1003')
check(r13.status === 480, `1001 -> 1003 (not registered) -> ${r13.status} (want 480)`)

a.close()
b.close()
console.log(failures === 0 ? 'smoke: all passed' : `smoke: ${failures} failed`)
process.exit(failures === 0 ? 0 : 1)
