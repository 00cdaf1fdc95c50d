/**
 * The Content-Security-Policy the production softphone is served with (as an HTTP header:
 * a <meta> CSP cannot carry frame-ancestors). No inline script or style, nothing loaded
 * from elsewhere, WebSocket only to the PBX, and only HubSpot may frame the page.
 * Used by `vite preview` (vite.config.ts) and documented in the README for real servers.
 */
import { HUBSPOT_APP_ORIGINS } from './origins.ts'

export interface CspOptions {
  /** The PBX's WebSocket URL(s), e.g. `wss://pbx.example.com:8089/ws`: connect-src gets their origin. */
  pbxUrls: readonly string[]
  /** Who may frame the page; defaults to HubSpot's app domains. */
  frameAncestors?: readonly string[]
}

/** `wss://pbx.example.com:8089/ws` → `wss://pbx.example.com:8089`; throws on anything but ws(s). */
export function websocketSource(url: string): string {
  const u = new URL(url)
  if (u.protocol !== 'wss:' && u.protocol !== 'ws:') throw new Error(`${url} is not a ws:// or wss:// URL`)
  return `${u.protocol}//${u.host}`
}

export function contentSecurityPolicy(options: CspOptions): string {
  const pbx = options.pbxUrls.map(websocketSource)
  const ancestors = options.frameAncestors ?? HUBSPOT_APP_ORIGINS
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${pbx.join(' ')}`.trim(),
    `frame-ancestors ${ancestors.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ')
}
