/**
 * Where the simulated HubSpot loads the widget from.
 *
 * `?widget=<url>` wins (a bare path is resolved on the other loopback origin). Otherwise the widget is the same Vite server on the
 * OTHER loopback name, so host and widget are different origins, as in real
 * HubSpot (app.hubspot.com embedding your domain):
 *   http://127.0.0.1:5173/dev/host/  →  http://localhost:5173/
 *   http://localhost:5173/dev/host/  →  http://127.0.0.1:5173/
 * Every other query parameter of the host page (debug=1, ringTimeoutSeconds=…)
 * is passed on to the widget, unless the `widget` URL already sets it, or it is
 * one of the simulator's own (`SIMULATOR_PARAMS`: HubSpot's settings and the page's kind).
 */

/** Query parameters that shape the simulated HubSpot itself, never passed to the widget. */
export const SIMULATOR_PARAMS: readonly string[] = ['widget', 'frame', 'dialTo', 'supportsInboundCalling', 'usesRemote', 'usesCallingWindow']
export function otherLoopbackHostname(hostname: string): string {
  return hostname === 'localhost' ? '127.0.0.1' : 'localhost'
}

export function widgetUrl(hostHref: string): URL {
  const host = new URL(hostHref)
  const otherOrigin = new URL('/', host)
  otherOrigin.hostname = otherLoopbackHostname(host.hostname)
  const explicit = host.searchParams.get('widget')
  // A path (`?widget=/dev/host/fake-widget.html`) is taken on the other origin too.
  const url = explicit ? new URL(explicit, otherOrigin) : otherOrigin
  for (const [key, value] of host.searchParams) {
    if (!SIMULATOR_PARAMS.includes(key) && !url.searchParams.has(key)) url.searchParams.append(key, value)
  }
  return url
}
