/**
 * An in-memory stand-in for the `BroadcastChannel` between our frames: every frame gets a
 * `FrameChannel` on one bus. Like the browser's channel it delivers asynchronously (a microtask
 * later), to every other open frame, a structured clone of what was posted; like `channel.ts` it
 * stamps the version and sender, parses every message on arrival with `parseFrameMessage` and
 * filters by `to`. A message this build cannot parse is recorded in `unreadable`, so a test can
 * prove every message the code sends is one the protocol accepts.
 */
import type { FrameChannel } from '@/frames/channel'
import type { FrameEnvelope, FrameMessage } from '@/frames/protocol'
import { FRAME_PROTOCOL_VERSION, parseFrameMessage } from '@/frames/protocol'

export interface TestChannel extends FrameChannel {
  readonly closed: boolean
}

export interface Bus {
  channel: (frameId: string) => TestChannel
  /** Every message posted on the bus, as sent (envelopes), oldest first. */
  readonly posted: FrameEnvelope[]
  /** Posted messages that `parseFrameMessage` refused. */
  readonly unreadable: unknown[]
  /** Drop every message to and from `frameId` from now on (a frame that hangs, or a lost peer). */
  cut: (frameId: string) => void
  /** Drop the messages this predicate matches (e.g. a message type a frame of an older build never sends). */
  drop: (predicate: (message: FrameEnvelope) => boolean) => void
  /** Post a raw message as if from another build (not stamped, not parsed before sending). */
  inject: (data: unknown) => void
  /** Settles pending deliveries (and the promise chains they start). */
  flush: () => Promise<void>
}

export function createBus(): Bus {
  const frames = new Map<string, { handlers: Set<(message: FrameEnvelope) => void>, closed: boolean }>()
  const posted: FrameEnvelope[] = []
  const unreadable: unknown[] = []
  const cutOff = new Set<string>()
  const drops: Array<(message: FrameEnvelope) => boolean> = []

  function broadcast(data: unknown): void {
    const message = parseFrameMessage(structuredClone(data))
    if (!message) {
      unreadable.push(data)
      return
    }
    posted.push(message)
    if (cutOff.has(message.from) || drops.some(drop => drop(message)))
      return
    for (const [id, frame] of frames) {
      if (id === message.from || cutOff.has(id) || ('to' in message && message.to !== id))
        continue
      const copy = structuredClone(message)
      queueMicrotask(() => {
        if (frame.closed || cutOff.has(id))
          return
        for (const handler of [...frame.handlers])
          handler(copy)
      })
    }
  }

  return {
    channel(frameId) {
      const frame = { handlers: new Set<(message: FrameEnvelope) => void>(), closed: false }
      frames.set(frameId, frame)
      return {
        frameId,
        get closed() {
          return frame.closed
        },
        post(message: FrameMessage) {
          if (!frame.closed)
            broadcast({ ...message, v: FRAME_PROTOCOL_VERSION, from: frameId })
        },
        on(handler) {
          frame.handlers.add(handler)
          return () => frame.handlers.delete(handler)
        },
        close() {
          frame.closed = true
          frame.handlers.clear()
        },
      }
    },
    posted,
    unreadable,
    cut: frameId => cutOff.add(frameId),
    drop: predicate => drops.push(predicate),
    inject: data => broadcast(data),
    async flush() {
      for (let i = 0; i < 20; i++)
        await Promise.resolve()
    },
  }
}
