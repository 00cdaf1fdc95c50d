/**
 * Coordination between our frames (HubSpot's calling remote in every tab, its calling window, a
 * record-page widget) in one browser profile, built once in main.ts: one phone for the agent
 * (`framePhone`), HubSpot told each fact once (`frameHubSpot`), the storage followed across frames
 * (`sharedStorage`). The stores get the same `SipPhone` / `HubSpotPort` / `AppStorage` shapes as
 * ever and never know in which frame the phone is.
 */
import type { HubSpotPort } from '@/hubspot/types'
import type { AppStorage } from '@/storage/types'
import type { FrameChannel } from './channel'
import { channelName, createFrameChannel } from './channel'
import type { OwnerElection } from './election'
import { leaseElection, webLocksElection, webLocksUsable } from './election'
import type { FramePhone, LocalPhone } from './framePhone'
import { createFramePhone } from './framePhone'
import { createFrameHubSpot } from './frameHubSpot'
import type { FrameLocation } from './protocol'
import type { FrameKeys } from './sealedBox'
import { createFrameKeys } from './sealedBox'
import { shareStorage } from './sharedStorage'

export type { FramePhone } from './framePhone'

export interface Frames {
  sip: FramePhone
  /** Whether this frame holds the phone (plays its sounds), and its changes. */
  ownsPhone: () => boolean
  onOwnerChange: (handler: (owns: boolean) => void) => () => void
  /** Whether this frame knows the phone's state yet (see FramePhone.joined), and when it does. */
  joined: () => boolean
  onJoined: (handler: () => void) => () => void
  hubspot: HubSpotPort
  storage: AppStorage
  /** How the owner is elected here: Web Locks, or the channel lease where the browser denies them. */
  election: 'web-locks' | 'lease'
}

/** What can be got ready while the configuration loads: this frame's keys, whether Web Locks work. */
export interface FramesPrepared {
  keys: FrameKeys
  useLocks: boolean
}

export async function prepareFrames(locks: LockManager | undefined = globalThis.navigator?.locks): Promise<FramesPrepared> {
  const [keys, useLocks] = await Promise.all([createFrameKeys(), webLocksUsable(locks)])
  return { keys, useLocks }
}

export interface FramesOptions {
  prepared: FramesPrepared
  pbxUrl: string
  sipDomain: string
  hubspot: HubSpotPort
  storage: AppStorage
  createLocal: () => LocalPhone
  log?: (message: string) => void
  /** Test seams. */
  channel?: FrameChannel
  locks?: LockManager
}

export function createFrames(options: FramesOptions): Frames {
  const name = channelName(options.pbxUrl, options.sipDomain)
  const channel = options.channel ?? createFrameChannel(name)
  const { keys, useLocks } = options.prepared
  let location: FrameLocation = 'unknown'
  const locks = options.locks ?? globalThis.navigator?.locks
  const election: OwnerElection = useLocks && locks
    ? webLocksElection(locks, name)
    : leaseElection(channel, () => (location === 'window' ? 2 : 1))
  let usesCallingWindow = false
  const sip = createFramePhone({ channel, election, keys, createLocal: options.createLocal, location: () => location, usesCallingWindow: () => usesCallingWindow, log: options.log })
  options.hubspot.on('ready', (info) => {
    usesCallingWindow = info.usesCallingWindow ?? usesCallingWindow
    const next = info.iframeLocation ?? location
    if (next === location)
      return
    location = next
    sip.locationChanged()
  })
  const hubspot = createFrameHubSpot(options.hubspot, sip, channel)
  const storage = shareStorage(options.storage, channel)
  return {
    sip,
    hubspot,
    storage,
    election: useLocks ? 'web-locks' : 'lease',
    ownsPhone: () => election.isOwner,
    onOwnerChange: election.onChange,
    joined: sip.joined,
    onJoined: sip.onJoined,
  }
}
