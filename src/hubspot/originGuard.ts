/**
 * Who may talk to the calling SDK, enforced before the SDK sees anything.
 *
 * The SDK's widget side answers the first `SYNC` from ANY window and then trusts the
 * `hostUrl` that SYNC carried (see `IFrameManager.onMessage`): a page that frames the
 * softphone, or any window that can reach it, could adopt it. So:
 * - `installMessageGuard` adds a capturing `message` listener before the SDK's own
 *   (`new CallingExtensions` must come after it) and stops every message that is not from
 *   `window.parent` at an allowed origin, a SYNC whose `hostUrl` is not its real origin,
 *   a SET_WIDGET_URL that would send our replies to an origin not allowed, and anything
 *   that is not an object with a string `type` (null data would throw inside the SDK);
 * - `checkEmbedding` tells whether the page that frames us is allowed at all, from
 *   `location.ancestorOrigins` (Chromium, Safari) or `document.referrer`.
 */
import { isOriginAllowed } from '@/domain/origins'
import { t } from '@/i18n'

/** What the guard needs of `window` (a fake in unit tests). */
export interface GuardedWindow {
  parent: unknown
  addEventListener: (type: 'message', listener: (event: MessageEvent) => void, options: { capture: true }) => void
  removeEventListener: (type: 'message', listener: (event: MessageEvent) => void, options: { capture: true }) => void
}

export interface MessageGuardOptions {
  allowedOrigins: readonly string[]
  /** Told about each blocked message (debug logging); never throws into the page. */
  onBlocked?: (reason: string, origin: string) => void
}

function field(data: unknown, key: string): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined
}

/** Why a message must not reach the SDK, or `null` when it may. */
export function blockReason(
  event: Pick<MessageEvent, 'origin' | 'source' | 'data'>,
  parent: unknown,
  self: unknown,
  allowedOrigins: readonly string[],
): string | null {
  if (parent === self || event.source !== parent) return 'not from the parent window'
  if (!isOriginAllowed(event.origin, allowedOrigins)) return 'origin not allowed'
  const type = field(event.data, 'type')
  // The SDK destructures `event.data.type` first thing: null data would throw inside it.
  if (typeof type !== 'string') return 'not an SDK message'
  if (type === 'SYNC') {
    const hostUrl = field(event.data, 'hostUrl')
    if (hostUrl !== undefined && hostUrl !== event.origin) return 'SYNC hostUrl differs from its origin'
  }
  if (type === 'SET_WIDGET_URL') {
    const url = field(event.data, 'iFrameUrl')
    if (url !== undefined && (typeof url !== 'string' || !isOriginAllowed(url, allowedOrigins)))
      return 'SET_WIDGET_URL to an origin not allowed'
  }
  return null
}

/** Installs the guard; returns its removal. Call before `new CallingExtensions`. */
export function installMessageGuard(win: GuardedWindow & object, options: MessageGuardOptions): () => void {
  const listener = (event: MessageEvent): void => {
    const reason = blockReason(event, win.parent, win, options.allowedOrigins)
    if (reason === null) return
    event.stopImmediatePropagation()
    try {
      options.onBlocked?.(reason, String(event.origin))
    } catch {
      // a logging problem must not let the message through nor break the page
    }
  }
  win.addEventListener('message', listener, { capture: true })
  return () => win.removeEventListener('message', listener, { capture: true })
}

export type EmbeddingCheck =
  | { ok: true, parentOrigin: string | null }
  | { ok: false, parentOrigin: string, message: string }

/** What `checkEmbedding` reads of `window`. */
export interface EmbeddingWindow {
  parent: unknown
  location: { ancestorOrigins?: { length: number, [index: number]: string } }
  document: { referrer: string }
}

/**
 * Top-level (not framed): ok, it is no calling widget then and the guard drops every message.
 * Framed: the parent's origin must be allowed; when the browser tells us neither
 * ancestorOrigins nor a referrer, the message guard alone protects us.
 */
export function checkEmbedding(win: EmbeddingWindow & object, allowedOrigins: readonly string[]): EmbeddingCheck {
  if (win.parent === win) return { ok: true, parentOrigin: null }
  let parentOrigin: string | null = null
  const ancestors = win.location.ancestorOrigins
  if (ancestors && ancestors.length > 0) parentOrigin = ancestors[0] ?? null
  else if (win.document.referrer) {
    try {
      parentOrigin = new URL(win.document.referrer).origin
    } catch {
      parentOrigin = null
    }
  }
  if (parentOrigin === null) return { ok: true, parentOrigin: null }
  if (isOriginAllowed(parentOrigin, allowedOrigins)) return { ok: true, parentOrigin }
  return {
    ok: false,
    parentOrigin,
    message: t('setup.notHubSpot', { origin: parentOrigin }),
  }
}
