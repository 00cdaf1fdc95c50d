/**
 * Desktop notifications (the Notifications API) and the page's visibility: the port the softphone
 * uses to reach an agent who is not looking at HubSpot.
 *
 * What a cross-origin iframe may do in Chromium (measured, README *Ringing when HubSpot is not in
 * front*): it may never ask (`Notification.requestPermission()` resolves `'denied'` without a prompt,
 * and DevTools' Issues panel lists the deprecation `NotificationPermissionRequestedIframe`: "Permission
 * for the Notification API may no longer be requested from a cross-origin iframe"), and
 * `Notification.permission` reads `'denied'` there, unless the top-level site (HubSpot) has been
 * granted notifications: then it reads `'granted'` and the iframe's notifications show.
 */

/**
 * - `granted` / `default` / `denied`: `Notification.permission` where the page may ask (top-level, or
 *   an iframe of its own origin);
 * - `granted` also in a cross-origin iframe whose top-level site was allowed notifications;
 * - `blocked-in-frame`: a cross-origin iframe (HubSpot's) without that: asking cannot work there;
 * - `unsupported`: no Notifications API (or not a secure context).
 */
export type NotificationAccess = 'granted' | 'default' | 'denied' | 'blocked-in-frame' | 'unsupported'

export interface DesktopNotice {
  close: () => void
}

export interface DesktopNotifier {
  access: () => NotificationAccess
  /** Asks the browser (only from the agent's click: browsers refuse or ignore a request without one). */
  request: () => Promise<NotificationAccess>
  /** Shows a notification; `onClick` runs after the window was focused. Null when none can be shown. */
  show: (title: string, options: { body: string, tag: string, onClick: () => void }) => DesktopNotice | null
  /**
   * Calls `listener` when the browser's answer changes (the agent answered the prompt, or changed the
   * site's setting): the Permissions API's `change` event. Returns the unsubscribe.
   */
  onAccessChange: (listener: () => void) => () => void
  /** Whether the page is hidden (`document.visibilityState`, e.g. another browser tab is in front). */
  pageHidden: () => boolean
  /** Calls `listener` on each `visibilitychange`; returns the unsubscribe. */
  onVisibilityChange: (listener: () => void) => () => void
}

/** Whether `win` is a frame whose top-level document is of another origin (HubSpot's iframe). */
export function isCrossOriginFrame(win: Window): boolean {
  if (win.top === win)
    return false
  try {
    return win.top?.location.origin !== win.location.origin
  }
  catch {
    return true // reading another origin's location throws: that is the answer
  }
}

export function browserNotifier(win: Window = window): DesktopNotifier {
  const api = (win as Window & { Notification?: typeof Notification }).Notification
  const supported = typeof api === 'function' && win.isSecureContext
  const framed = isCrossOriginFrame(win)

  function access(): NotificationAccess {
    if (!supported || !api)
      return 'unsupported'
    const permission = api.permission
    if (framed && permission !== 'granted')
      return 'blocked-in-frame'
    return permission
  }

  return {
    access,
    async request() {
      // In a cross-origin frame the browser refuses without asking: do not pretend to ask.
      if (access() !== 'default' || !api)
        return access()
      await api.requestPermission()
      return access()
    },
    show(title, { body, tag, onClick }) {
      if (access() !== 'granted' || !api)
        return null
      try {
        const notice = new api(title, { body, tag, requireInteraction: true })
        notice.onclick = () => {
          win.focus()
          notice.close()
          onClick()
        }
        return { close: () => notice.close() }
      }
      catch {
        return null // e.g. Chrome on Android allows notifications only from a service worker
      }
    },
    onAccessChange(listener) {
      let status: PermissionStatus | null = null
      let stopped = false
      win.navigator?.permissions?.query({ name: 'notifications' }).then((found) => {
        if (stopped)
          return
        status = found
        status.addEventListener('change', listener)
      }).catch(() => {})
      return () => {
        stopped = true
        status?.removeEventListener('change', listener)
      }
    },
    pageHidden: () => win.document.visibilityState === 'hidden',
    onVisibilityChange(listener) {
      win.document.addEventListener('visibilitychange', listener)
      return () => win.document.removeEventListener('visibilitychange', listener)
    },
  }
}
