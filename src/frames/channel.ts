/**
 * The bus between our frames in one browser profile (HubSpot's tabs and its calling window share
 * one storage partition, hence one `BroadcastChannel` namespace). Messages are stamped with the
 * protocol version and this frame's id, and parsed on arrival (`protocol.ts`); our own echo and
 * anything unreadable are dropped.
 */
import type { FrameEnvelope, FrameMessage } from './protocol'
import { FRAME_PROTOCOL_VERSION, parseFrameMessage } from './protocol'

export interface FrameChannel {
  /** This frame's id, unique per page load. */
  readonly frameId: string
  post: (message: FrameMessage) => void
  /** Every readable message from another frame; returns the removal. */
  on: (handler: (message: FrameEnvelope) => void) => () => void
  close: () => void
}

/** A channel name per PBX: frames configured for another PBX never meet. */
export function channelName(pbxUrl: string, sipDomain: string): string {
  return `softphone:phone:${sipDomain}:${pbxUrl}`
}

export function createFrameChannel(name: string, frameId: string = crypto.randomUUID()): FrameChannel {
  const channel = new BroadcastChannel(name)
  const handlers = new Set<(message: FrameEnvelope) => void>()
  let closed = false
  channel.onmessage = (event: MessageEvent) => {
    const message = parseFrameMessage(event.data)
    if (!message || message.from === frameId)
      return
    if ('to' in message && message.to !== frameId)
      return
    for (const handler of [...handlers]) {
      try {
        handler(message)
      }
      catch (error) {
        console.error('[softphone] a frame message handler threw', error)
      }
    }
  }
  return {
    frameId,
    post(message) {
      // Through JSON: a message may carry store data (a call's label, HubSpot payloads) that Vue
      // wraps in a Proxy, which the structured clone of postMessage refuses (DataCloneError).
      // Every message is JSON by contract (protocol.ts).
      if (!closed)
        channel.postMessage(JSON.parse(JSON.stringify({ ...message, v: FRAME_PROTOCOL_VERSION, from: frameId })) as unknown)
    },
    on(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    close() {
      closed = true
      handlers.clear()
      channel.close()
    },
  }
}
