/**
 * HubSpot's side of the bridge: the SDK's own `IFrameManager` in host mode
 * (it creates the iframe, SYNCs every 100 ms until the widget answers, and
 * only accepts messages whose origin is the iframe src's origin).
 *
 * Three additions, nothing else overridden:
 * - SYNC carries the portal info real HubSpot sends (the widget SDK reads
 *   portalId, userId, ownerId, engagementId, iframeLocation, usesCallingWindow
 *   from it, but the SDK's host `sendSync` only sends `hostUrl`);
 * - every message the host actually posts is reported to `onSent` (for the timeline);
 * - `holdSync` keeps the SYNCs back, as a HubSpot tab that is slow to load does.
 */
import { IFrameManager, type IframeManagerOptions } from '@hubspot/calling-extensions-sdk'

type SendArgs = Parameters<IFrameManager['sendMessage']>
export type HostMessage = SendArgs[0] & { data?: unknown }

export interface SimulatedHubSpotHooks {
  /** Extra top-level fields for every SYNC. */
  syncInfo: Record<string, unknown>
  /** Called for each message actually posted to the widget. */
  onSent: (message: HostMessage) => void
  /** While true, SYNCs are not posted: HubSpot still loading (the SDK host keeps retrying for 30 s). */
  holdSync?: () => boolean
}

export class SimulatedHubSpot extends IFrameManager {
  // Not a parameter property: the base constructor creates the iframe, whose
  // onload SYNCs later, after this constructor has finished assigning it.
  private readonly hooks: SimulatedHubSpotHooks

  constructor(options: IframeManagerOptions, hooks: SimulatedHubSpotHooks) {
    super(options)
    this.hooks = hooks
  }

  override sendMessage(message: HostMessage, callback?: SendArgs[1]): void {
    if (message.type === 'SYNC' && this.hooks.holdSync?.())
      return
    const outgoing: HostMessage = message.type === 'SYNC' ? { ...message, ...this.hooks.syncInfo } : message
    // Mirrors the SDK's own guard: before SYNC_ACK only SYNC goes out.
    const logged = outgoing.type === 'SYNC' || this.isReady
    // Posted first, logged after: the log's row (a DOM append and a forced layout of the timeline)
    // is the simulator's own cost, not HubSpot's, and must not delay the message it describes.
    super.sendMessage(outgoing, callback)
    if (logged) this.hooks.onSent(outgoing)
  }

  /** Post a message with a payload; false (and nothing sent) until the widget answered SYNC. */
  post(type: string, data?: unknown): boolean {
    if (!this.isReady) return false
    const message: HostMessage = data === undefined ? { type } : { type, data }
    this.sendMessage(message)
    return true
  }
}
