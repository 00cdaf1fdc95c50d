/**
 * The adapters are built once in main.ts and handed to the app with `provide`;
 * stores and components reach them through these `useX()` helpers. Nothing here
 * is reactive: sip.js and SDK objects must never be proxied by Vue.
 */
import type { App, InjectionKey } from 'vue'
import { inject } from 'vue'
import type { AppConfig } from '@/domain/config'
import type { HubSpotPort } from '@/hubspot/types'
import type { DesktopNotifier } from '@/notifications/desktopNotifier'
import type { SipPhone } from '@/sip/types'
import type { AppStorage } from '@/storage/types'

export interface Ports {
  sip: SipPhone
  hubspot: HubSpotPort
  config: AppConfig
  /** Small key/value storage that survives a reload where the browser allows (see `browserStorage`). */
  storage: AppStorage
  /** Desktop notifications and the page's visibility (the Notifications API; see `browserNotifier`). */
  notifier: DesktopNotifier
  /** Wall clock, injectable for tests. */
  now: () => number
  /**
   * Runs `step` in a later task (absent: `setTimeout(step, 0)`); tests may run it at once. The call
   * store moves a call's phase this way after telling HubSpot (see its `callAnswered` handler).
   */
  afterTask?: (step: () => void) => void
  /**
   * Whether this frame holds the agent's phone (src/frames/): only that frame plays the call's
   * sounds (ringtone, ringback), the others show the same screen silently. Absent = always (one frame).
   */
  frame?: {
    ownsPhone: () => boolean
    onOwnerChange: (handler: (owns: boolean) => void) => () => void
    /**
     * Whether this frame knows the phone's state yet (the owner's snapshot, or the phone taken here):
     * until then a new frame shows neither the sign-in form nor the dialer. Absent = always.
     */
    joined?: () => boolean
    onJoined?: (handler: () => void) => () => void
  }
}

export const PortsKey: InjectionKey<Ports> = Symbol('ports')

export function providePorts(app: App, ports: Ports): void {
  app.provide(PortsKey, Object.freeze({ ...ports }))
}

export function usePorts(): Ports {
  const ports = inject(PortsKey, null)
  if (!ports)
    throw new Error('usePorts() needs providePorts(app, …) at app level.')
  return ports
}
