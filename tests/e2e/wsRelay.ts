/**
 * A WebSocket relay of the tests' own between Chromium and Asterisk: a TCP proxy that reads
 * the WebSocket frames (RFC 6455 §5.2) going through it, so a test can
 *
 * - cut only the signalling: every connection is reset and new ones are refused until
 *   restore(); the call's RTP (ICE/UDP, straight between Chromium and Asterisk) is untouched;
 * - see each SIP message with the time it passed (`messages`, `waitFor`);
 * - drop chosen SIP messages from the PBX (e.g. the ACK of our 200 OK).
 *
 * Frames are forwarded whole and unchanged (a dropped one is simply not written).
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export interface RelayedMessage {
  /** Date.now() when the whole frame had arrived at the relay. */
  at: number
  /** 'up' = browser → PBX, 'down' = PBX → browser. */
  dir: 'up' | 'down'
  /** The SIP message (a text frame's payload). */
  text: string
  /** The relay's connection number (1-based), a new one after each reconnection. */
  connection: number
  dropped: boolean
}

export interface WsRelay {
  /** ws://127.0.0.1:<port>/ws */
  readonly url: string
  readonly messages: RelayedMessage[]
  /** Connections accepted so far. */
  readonly connections: () => number
  /** Resets every open connection and refuses new ones until restore(). */
  cut: () => void
  restore: () => void
  /** SIP messages from the PBX for which `drop` returns true are not delivered. */
  dropDown: (drop: ((text: string) => boolean) | null) => void
  /** Resolves with the first message (from index `from`) that matches, or rejects after `timeoutMs`. */
  waitFor: (match: (m: RelayedMessage) => boolean, options?: { from?: number, timeoutMs?: number }) => Promise<RelayedMessage>
  close: () => Promise<void>
}

/** Splits a byte stream into the HTTP upgrade head and then whole WebSocket frames. */
class FrameReader {
  private buffer = Buffer.alloc(0)
  private head = true

  constructor(private readonly onHead: (bytes: Buffer) => void, private readonly onFrame: (bytes: Buffer, opcode: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    if (this.head) {
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end < 0)
        return
      this.onHead(this.buffer.subarray(0, end + 4))
      this.buffer = this.buffer.subarray(end + 4)
      this.head = false
    }
    for (;;) {
      const frame = this.nextFrame()
      if (!frame)
        return
      this.onFrame(frame.bytes, frame.opcode, frame.payload)
    }
  }

  private nextFrame(): { bytes: Buffer, opcode: number, payload: Buffer } | null {
    const b = this.buffer
    if (b.length < 2)
      return null
    const opcode = b[0]! & 0x0F
    const masked = (b[1]! & 0x80) !== 0
    let length = b[1]! & 0x7F
    let offset = 2
    if (length === 126) {
      if (b.length < 4)
        return null
      length = b.readUInt16BE(2)
      offset = 4
    }
    else if (length === 127) {
      if (b.length < 10)
        return null
      length = Number(b.readBigUInt64BE(2))
      offset = 10
    }
    const maskOffset = offset
    if (masked)
      offset += 4
    if (b.length < offset + length)
      return null
    const bytes = b.subarray(0, offset + length)
    const payload = Buffer.from(b.subarray(offset, offset + length))
    if (masked) {
      for (let i = 0; i < payload.length; i++)
        payload[i]! ^= b[maskOffset + (i % 4)]!
    }
    this.buffer = b.subarray(offset + length)
    return { bytes: Buffer.from(bytes), opcode, payload }
  }
}

export async function startWsRelay(target: { host: string, port: number }): Promise<WsRelay> {
  const messages: RelayedMessage[] = []
  const open = new Set<net.Socket>()
  let refusing = false
  let accepted = 0
  let dropDown: ((text: string) => boolean) | null = null
  const waiters = new Set<() => void>()

  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy()
      return
    }
    const connection = ++accepted
    const upstream = net.connect(target.port, target.host)
    open.add(client)
    open.add(upstream)
    const closeBoth = () => {
      open.delete(client)
      open.delete(upstream)
      if (!client.destroyed)
        client.destroy()
      if (!upstream.destroyed)
        upstream.destroy()
    }
    client.on('error', closeBoth)
    upstream.on('error', closeBoth)
    client.on('close', closeBoth)
    upstream.on('close', closeBoth)

    const relay = (dir: 'up' | 'down', to: net.Socket) => new FrameReader(
      head => to.write(head),
      (bytes, opcode, payload) => {
        let dropped = false
        if (opcode === 1) {
          const text = payload.toString('utf8')
          dropped = dir === 'down' && dropDown !== null && dropDown(text)
          messages.push({ at: Date.now(), dir, text, connection, dropped })
          for (const wake of [...waiters])
            wake()
        }
        if (!dropped && !to.destroyed)
          to.write(bytes)
      },
    )
    const up = relay('up', upstream)
    const down = relay('down', client)
    client.on('data', (chunk: Buffer) => up.push(chunk))
    upstream.on('data', (chunk: Buffer) => down.push(chunk))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    messages,
    connections: () => accepted,
    cut() {
      refusing = true
      for (const socket of [...open])
        socket.resetAndDestroy()
      open.clear()
    },
    restore() {
      refusing = false
    },
    dropDown(drop) {
      dropDown = drop
    },
    waitFor(match, options = {}) {
      const from = options.from ?? 0
      const timeoutMs = options.timeoutMs ?? 15_000
      return new Promise<RelayedMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find(match)
          if (!found)
            return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no matching SIP message through the relay within ${timeoutMs} ms`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    async close() {
      for (const socket of [...open])
        socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

/** The request line's method, or the status code of a response ("SIP/2.0 200 OK" → "200"). */
export function sipStart(text: string): string {
  const first = text.slice(0, text.indexOf('\r\n'))
  return first.startsWith('SIP/2.0 ') ? first.slice(8, 11) : first.split(' ')[0] ?? ''
}

/** The CSeq method of a SIP message ("INVITE" for a 200 to an INVITE). */
export function cseqMethod(text: string): string {
  return /^CSeq:\s*\d+\s+(\w+)/mi.exec(text)?.[1]?.toUpperCase() ?? ''
}

export function callIdOf(text: string): string {
  return /^(?:Call-ID|i):\s*(\S+)/mi.exec(text)?.[1] ?? ''
}
