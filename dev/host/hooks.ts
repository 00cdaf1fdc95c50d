/**
 * What the host simulator exposes on `window` for e2e tests (Playwright's
 * `page.evaluate(() => window.__host.dial('1002'))`, `window.__hostLog`).
 */

export interface HostLogEntry {
  /** 'in' = widget → host, 'out' = host → widget. */
  dir: 'in' | 'out'
  /** The wire message type: SYNC, SYNC_ACK, DIAL_NUMBER, OUTGOING_CALL_STARTED, … */
  type: string
  /** The message's `data` (for SYNC / SYNC_ACK, which carry no `data`: the other top-level fields). */
  data: unknown
  /** Date.now() when the host sent or received it. */
  at: number
  /** Consecutive SYNC retries (every 100 ms until SYNC_ACK) are folded into one entry. */
  count?: number
  /** What the simulator noticed about this message (e.g. a contract problem). */
  note?: string
}

import type { CallerExtension, CallerState } from './caller'
import type { CallingSettings, DialTarget, IframeLocation, PageKind, SettingName } from './layout'

export type { CallingSettings, DialTarget, IframeLocation, PageKind, SettingName }

/** The frame a simulator page hosts, and how it routes a dial. */
export interface HostLocation {
  /** A HubSpot tab, or HubSpot's calling window (`?frame=window`). */
  page: PageKind
  /** What SYNC says. */
  iframeLocation: IframeLocation
  /** What SYNC says. */
  usesCallingWindow: boolean
  /** `?iframeLocation=` pinned the frame: a stand-alone page (no calling window, no host channel). */
  pinned: boolean
  /** `?dialTo=`: where a tab's dial goes when the calling window is used (default 'tab'). */
  dialTo: DialTarget
}

export interface HostControls {
  /** "Call the agent": the simulator's own SIP phone (caller 1006 or 1007) calls `agent`. Resolves once the INVITE is sent. */
  callAgent: (from: CallerExtension, agent: string) => Promise<void>
  /** The caller hangs up (CANCEL before the answer → the agent misses the call; BYE after). */
  callerHangup: () => Promise<void>
  /** What the caller experienced, including the final SIP status of its INVITE. */
  callerState: () => CallerState
  /** The iframeLocation sent in SYNC. */
  iframeLocation: () => IframeLocation
  /** This page's frame kind and dial routing. */
  location: () => HostLocation
  /** HubSpot's calling settings: the switches (shared by every tab), what this page's frame was loaded with, and which the query overrode. */
  settings: () => { stored: CallingSettings, effective: CallingSettings, overridden: SettingName[] }
  /** Flip switches (the host origin's localStorage); they apply to frames loaded afterwards. Returns the stored settings. */
  setSettings: (next: Partial<CallingSettings>) => CallingSettings
  /** A tab: open HubSpot's calling window (window.open, named, so at most one). False if one is open, in a window or pinned page, or blocked. */
  openCallingWindow: () => boolean
  /** The calling window closes itself; a tab asks it to over the host channel. False if none is known to be open. */
  closeCallingWindow: () => boolean
  /** Whether this page knows of an open calling window (the window page: true). */
  callingWindowOpen: () => boolean
  /** "Open another HubSpot tab": window.open(…, '_blank') with this page's query. */
  openTab: () => boolean
  /**
   * A call started on this page, as "Call <name>" / Dial: DIAL_NUMBER for a number (a test contact's record ids when it is one).
   * In a tab with usesCallingWindow it opens the calling window when none is open; with `?dialTo=window` the DIAL_NUMBER goes
   * to the window's frame (true at once, delivered once the window's frame is synced), else to this page's frame (false if not synced yet).
   */
  dial: (phoneNumber: string) => boolean
  /** Send END_CALL. False if the widget is not synced yet. */
  endCall: () => boolean
  setFailCreate: (fail: boolean) => void
  setFailUpdate: (fail: boolean) => void
  /** Send VISIBILITY_CHANGED. */
  setVisibility: (visibility: { isMinimized: boolean, isHidden: boolean }) => boolean
  /** Delay before answering OUTGOING_CALL_STARTED / CALL_COMPLETED (default 200 ms, HubSpot is not instant); sets the creation delay too. */
  setReplyDelay: (ms: number) => void
  /** Delay before answering OUTGOING_CALL_STARTED / INCOMING_CALL with CREATE_ENGAGEMENT_SUCCEEDED or _FAILED (default 200 ms). */
  setCreateDelay: (ms: number) => void
  /** Send any message, e.g. a malformed DIAL_NUMBER. False if the widget is not synced yet. */
  send: (type: string, data?: unknown) => boolean
  /** True once the widget answered SYNC. */
  isReady: () => boolean
  /** With `?holdSync=1`, let the host's SYNC (retried every 100 ms) through from now on. */
  releaseSync: () => void
  /** Reload the widget iframe (the host SYNCs again on load). */
  reloadWidget: () => void
}

declare global {
  interface Window {
    __hostLog: HostLogEntry[]
    __host: HostControls
  }
}
