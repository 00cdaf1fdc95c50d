/**
 * How the simulator's pages (HubSpot's tabs and its calling window) talk to each other: a
 * BroadcastChannel of the HOST origin (HubSpot's), never the widget's. Messages are parsed here
 * (pure); a page of an older simulator build sending something else is ignored.
 */

export const HOST_CHANNEL_NAME = 'hubspot-simulator'
/** The window name HubSpot's calling window is opened with, so there is at most one. */
export const CALLING_WINDOW_NAME = 'hubspot-calling-window'

export type HostChannelMessage =
  /** The calling window is open (sent when it loads, when its frame is synced, and to answer `who-is-window`). */
  | { kind: 'window-hello', synced: boolean }
  /** The calling window is closing. */
  | { kind: 'window-bye' }
  /** A tab that just loaded asks whether a calling window is open. */
  | { kind: 'who-is-window' }
  /** A tab hands its dial to the calling window's frame (`dialTo=window`). */
  | { kind: 'dial', phoneNumber: string }
  /** A tab asks the calling window to close. */
  | { kind: 'close-window' }

export function parseHostChannelMessage(data: unknown): HostChannelMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const m = data as Record<string, unknown>
  switch (m.kind) {
    case 'window-hello':
      return typeof m.synced === 'boolean' ? { kind: 'window-hello', synced: m.synced } : undefined
    case 'window-bye':
    case 'who-is-window':
    case 'close-window':
      return { kind: m.kind }
    case 'dial':
      return typeof m.phoneNumber === 'string' && m.phoneNumber.length > 0 ? { kind: 'dial', phoneNumber: m.phoneNumber } : undefined
    default:
      return undefined
  }
}

/** The calling window's URL: this page's query (widget, pbxUrl, overrides…) without the tab-only keys, plus `frame=window`. */
export function callingWindowUrl(pageHref: string): string {
  const url = new URL(pageHref)
  url.searchParams.delete('iframeLocation')
  url.searchParams.delete('holdSync')
  url.searchParams.set('frame', 'window')
  return url.href
}

/** Another HubSpot tab: this page's query without the page-only keys. */
export function anotherTabUrl(pageHref: string): string {
  const url = new URL(pageHref)
  url.searchParams.delete('frame')
  url.searchParams.delete('holdSync')
  return url.href
}
