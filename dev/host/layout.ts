/**
 * Where HubSpot shows the app, as the simulator plays it (pure; no DOM). Sources:
 * - the calling settings (`/crm/v3/extensions/calling/{appId}/settings`): `supportsInboundCalling`,
 *   `usesRemote`, `usesCallingWindow`;
 * - the SDK doc's `onReady`: `iframeLocation` is `widget` (the record-page widget of apps without inbound
 *   calling), `remote` (the calling remote in the navigation bar of every HubSpot tab) or `window` (the
 *   iframe in HubSpot's detached calling window);
 * - HubSpot's demo-react-ts (`src/hooks/useCti.ts`, `src/components/App.tsx`): with a calling window the
 *   remote sends HubSpot no call messages, the window does.
 */

export const SETTING_NAMES = ['supportsInboundCalling', 'usesRemote', 'usesCallingWindow'] as const
export type SettingName = typeof SETTING_NAMES[number]
export type CallingSettings = Record<SettingName, boolean>

/** The layout the README recommends for inbound calling: remote + calling window. */
export const DEFAULT_SETTINGS: Readonly<CallingSettings> = { supportsInboundCalling: true, usesRemote: true, usesCallingWindow: true }

/** The host origin's localStorage key the switches are kept under (shared by every simulator tab). */
export const SETTINGS_KEY = 'host-simulator:calling-settings'

export type IframeLocation = 'widget' | 'remote' | 'window'
export const IFRAME_LOCATIONS: readonly IframeLocation[] = ['widget', 'remote', 'window']

/** A simulator page is a HubSpot tab or HubSpot's calling window (`?frame=window`). */
export type PageKind = 'tab' | 'window'

/** Which frame gets a tab's DIAL_NUMBER when a calling window is used: the tab's own remote, or the window's. */
export type DialTarget = 'tab' | 'window'

/** `1`/`true` → true, `0`/`false` → false, anything else (or absent) → undefined. */
export function parseFlag(value: string | null): boolean | undefined {
  if (value === '1' || value === 'true') return true
  if (value === '0' || value === 'false') return false
  return undefined
}

/** The stored switches; a missing, corrupt or partial entry falls back to the defaults field by field. */
export function parseStoredSettings(raw: string | null): CallingSettings {
  const settings: CallingSettings = { ...DEFAULT_SETTINGS }
  let parsed: unknown
  try {
    parsed = raw === null ? null : JSON.parse(raw)
  } catch {
    return settings
  }
  if (typeof parsed !== 'object' || parsed === null) return settings
  for (const name of SETTING_NAMES) {
    const value = (parsed as Record<string, unknown>)[name]
    if (typeof value === 'boolean') settings[name] = value
  }
  return settings
}

/** The stored switches with the page query's overrides (`?usesRemote=0` …) laid over them. */
export function effectiveSettings(stored: CallingSettings, params: URLSearchParams): { settings: CallingSettings, overridden: SettingName[] } {
  const settings = { ...stored }
  const overridden: SettingName[] = []
  for (const name of SETTING_NAMES) {
    const flag = parseFlag(params.get(name))
    if (flag !== undefined) {
      settings[name] = flag
      overridden.push(name)
    }
  }
  return { settings, overridden }
}

export interface FrameLayout {
  page: PageKind
  /** What SYNC says. */
  iframeLocation: IframeLocation
  /** What SYNC says. */
  usesCallingWindow: boolean
  /** `?iframeLocation=` pinned the frame: one stand-alone page as before tabs and the window existed (no calling window). */
  pinned: boolean
  /** A tab of an app with a calling window: starting a call opens it (HubSpot's behaviour), and its call messages belong to the window. */
  usesWindow: boolean
}

/**
 * The frame a simulator page hosts.
 * - `?iframeLocation=widget|remote|window` pins it (`usesCallingWindow` true only for `window`): the
 *   stand-alone page the existing tests use.
 * - `?frame=window`: HubSpot's calling window, `window` / `usesCallingWindow: true`.
 * - otherwise a HubSpot tab: the calling remote when `usesRemote` (with `usesCallingWindow` = the setting),
 *   else the record-page widget (`usesCallingWindow: false`: the calling window goes with the remote).
 */
export function frameLayout(settings: CallingSettings, params: URLSearchParams): FrameLayout {
  const pinned = IFRAME_LOCATIONS.find(l => l === params.get('iframeLocation'))
  if (pinned) return { page: 'tab', iframeLocation: pinned, usesCallingWindow: pinned === 'window', pinned: true, usesWindow: false }
  if (params.get('frame') === 'window')
    return { page: 'window', iframeLocation: 'window', usesCallingWindow: true, pinned: false, usesWindow: true }
  // The calling window goes with the remote (README's calling settings; scripts/hubspot-settings describeLayout).
  if (!settings.usesRemote) return { page: 'tab', iframeLocation: 'widget', usesCallingWindow: false, pinned: false, usesWindow: false }
  return { page: 'tab', iframeLocation: 'remote', usesCallingWindow: settings.usesCallingWindow, pinned: false, usesWindow: settings.usesCallingWindow }
}

/** `?dialTo=tab|window`; default `tab` (see dev/host/README.md, "Where a tab's dial goes"). */
export function dialTarget(params: URLSearchParams): DialTarget {
  return params.get('dialTo') === 'window' ? 'window' : 'tab'
}

/** Where a dial started on this page goes: its own frame, or (a tab with a calling window, `dialTo=window`) the window's. */
export function routeDial(layout: FrameLayout, target: DialTarget): DialTarget {
  return layout.page === 'tab' && layout.usesWindow && target === 'window' ? 'window' : 'tab'
}

/** The messages that make a call in HubSpot; with a calling window open only the window sends them (demo-react-ts useCti.ts). */
export const CALL_MESSAGES: readonly string[] = ['INCOMING_CALL', 'OUTGOING_CALL_STARTED', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED', 'CALL_TRANSFERRED']

/** What HubSpot would not accept from this frame (a note for the timeline), beyond the message's own fields. */
export function frameRuleNote(type: string, layout: FrameLayout, settings: CallingSettings, callingWindowOpen: boolean): string | undefined {
  if (type === 'INCOMING_CALL') {
    if (layout.iframeLocation === 'widget') return 'inbound calling is not supported in iframeLocation "widget"'
    if (!settings.supportsInboundCalling && !layout.pinned) return 'the app\'s calling settings say supportsInboundCalling: false'
  }
  if (CALL_MESSAGES.includes(type) && layout.iframeLocation === 'remote' && layout.usesCallingWindow && callingWindowOpen)
    return 'a calling window is open (usesCallingWindow: true): HubSpot takes call messages from the window, the remote sends none (HubSpot\'s demo-react-ts, useCti.ts)'
  return undefined
}

/** Why the agent's phone refused the simulator's caller, from what this page knows. */
export function refusalReason(statusCode: number | undefined, known: { iframeLocation: IframeLocation, agentUnavailable: boolean }): string | undefined {
  switch (statusCode) {
    case 480:
      if (known.iframeLocation === 'widget') return 'this page hosts the record-page widget (iframeLocation widget), which takes no inbound calls'
      if (known.agentUnavailable) return 'the agent is on Do not disturb (this frame sent USER_UNAVAILABLE)'
      return 'no frame of the agent took it: not signed in, or unavailable in another frame'
    case 486:
      return 'the agent is on another call or in an unsaved wrap-up'
    case 403:
      return 'the agent declined (Asterisk passes the agent\'s 603 Decline on to a caller as 403)'
    case 603:
      return 'the agent declined'
    default:
      return undefined
  }
}

// ------------------------------------------------------------ one HubSpot backend

/** The first engagement id HubSpot gives in the simulator. */
export const FIRST_ENGAGEMENT_ID = 5_000_001
/** Engagements kept (the newest); older ones are forgotten. */
export const MAX_ENGAGEMENTS = 500

/** engagementId → externalCallId, from the stored JSON (`[[id, externalCallId], …]`); corrupt entries are skipped. */
export function parseEngagements(raw: string | null): Map<number, string> {
  const engagements = new Map<number, string>()
  let parsed: unknown
  try {
    parsed = JSON.parse(raw ?? '[]')
  } catch {
    return engagements
  }
  if (!Array.isArray(parsed)) return engagements
  for (const entry of parsed) {
    if (Array.isArray(entry) && Number.isSafeInteger(entry[0]) && typeof entry[1] === 'string') engagements.set(entry[0] as number, entry[1])
  }
  return engagements
}

export function serializeEngagements(engagements: Map<number, string>): string {
  return JSON.stringify([...engagements].slice(-MAX_ENGAGEMENTS))
}

/** The next engagement id: after the stored counter and after every engagement known. */
export function nextEngagementId(storedCounter: string | null, engagements: Map<number, string>): number {
  const counter = Number(storedCounter)
  const floor = Number.isSafeInteger(counter) && counter >= FIRST_ENGAGEMENT_ID ? counter : FIRST_ENGAGEMENT_ID
  return Math.max(floor, ...[...engagements.keys()].map(id => id + 1))
}
