/**
 * HubSpot sends its first SYNC the moment our iframe has loaded, before
 * config.json has arrived and before the SDK exists; the SDK would only catch
 * the host's retry 100 ms later. This holds the messages that arrive during
 * boot and hands them, once the origin guard and the SDK are listening, back
 * to `window` — where the guard judges them exactly like live ones.
 */

interface HeldMessage { data: unknown, origin: string, source: MessageEventSource | null }

export interface EarlyMessageWindow {
  /** Only the parent's messages are held (HubSpot frames us); others go on to the guard, which drops them. */
  parent: unknown
  addEventListener: (type: 'message', listener: (event: MessageEvent) => void, options: { capture: true }) => void
  removeEventListener: (type: 'message', listener: (event: MessageEvent) => void, options: { capture: true }) => void
  dispatchEvent: (event: Event) => boolean
}

/** At most this many messages are held; a flood during boot is dropped, not buffered. */
export const MAX_HELD_MESSAGES = 16

/**
 * Starts holding `message` events; call synchronously at boot. The returned
 * `release(replay)` stops holding and, when `replay` is true, re-dispatches
 * what was held, in order.
 */
export function holdEarlyMessages(win: EarlyMessageWindow): (replay: boolean) => void {
  const held: HeldMessage[] = []
  const listener = (event: MessageEvent): void => {
    // Another window must not fill the buffer and push HubSpot's SYNC out of it.
    if (event.source !== win.parent || win.parent === win)
      return
    event.stopImmediatePropagation()
    if (held.length < MAX_HELD_MESSAGES)
      held.push({ data: event.data, origin: event.origin, source: event.source })
  }
  win.addEventListener('message', listener, { capture: true })
  let released = false
  return (replay: boolean) => {
    if (released)
      return
    released = true
    win.removeEventListener('message', listener, { capture: true })
    if (!replay)
      return
    for (const message of held.splice(0))
      win.dispatchEvent(new MessageEvent('message', message))
  }
}
