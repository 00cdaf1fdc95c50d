/**
 * Why a caller's INVITE was cancelled, from the CANCEL's `Reason` header (RFC 3326), and a
 * transport wrapper that sees every CANCEL, including the ones sip.js never passes on.
 *
 * A ring group answered by another phone CANCELs the other legs with
 * `Reason: SIP;cause=200;text="Call completed elsewhere"` (RFC 3326 §2; Asterisk, FreeSWITCH,
 * Kamailio's `t_cancel_...`), or the ISDN form `Reason: Q.850;cause=26` ("non-selected user
 * clearing", ITU-T Q.850). A CANCEL that crosses our 200 OK (RFC 3261 §9.2: it no longer
 * affects the INVITE) is answered by sip.js's transaction layer and never reaches the session,
 * so the adapter watches the wire for it.
 */
import type { Core, Transport, TransportState } from 'sip.js'
import type { Emitter } from 'sip.js'

export type CancelReason = 'answered-elsewhere' | 'caller'

/** `answered-elsewhere` for RFC 3326's SIP cause 200 or Q.850 cause 26, else `caller`. */
export function cancelReason(reasonHeaders: readonly string[]): CancelReason {
  for (const value of reasonHeaders) {
    if (/(?:^|,)\s*SIP\s*;(?:[^,]*;)?\s*cause\s*=\s*200\b/i.test(value) || /(?:^|,)\s*Q\.850\s*;(?:[^,]*;)?\s*cause\s*=\s*26\b/i.test(value))
      return 'answered-elsewhere'
  }
  return 'caller'
}

/** A CANCEL seen on the wire: its Call-ID and Reason header values. */
export interface WireCancel {
  callId: string
  reason: CancelReason
}

/** The Call-ID and Reason of a raw SIP message if it is a CANCEL request, else `null`. */
export function parseWireCancel(raw: string): WireCancel | null {
  if (!raw.startsWith('CANCEL '))
    return null
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? ''
  const callId = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)[ \t]*$/mi.exec(head)?.[1]
  if (!callId)
    return null
  const reasons = [...head.matchAll(/^Reason[ \t]*:[ \t]*(.*)$/gmi)].map(match => match[1] ?? '')
  return { callId, reason: cancelReason(reasons) }
}

type TransportClass = new (logger: Core.Logger, options: { server: string }) => Transport

/**
 * Wraps sip.js's Transport (its own `transportConstructor` extension point) so `onCancel` sees
 * every incoming CANCEL before sip.js handles it. Everything else is delegated unchanged.
 */
export function cancelWatchingTransport(Base: TransportClass, onCancel: (cancel: WireCancel) => void): TransportClass {
  return class CancelWatchingTransport implements Transport {
    onConnect: (() => void) | undefined
    onDisconnect: ((error?: Error) => void) | undefined
    onMessage: ((message: string) => void) | undefined
    private readonly inner: Transport

    constructor(logger: Core.Logger, options: { server: string }) {
      this.inner = new Base(logger, options)
      this.inner.onConnect = () => this.onConnect?.()
      this.inner.onDisconnect = error => this.onDisconnect?.(error)
      this.inner.onMessage = (message) => {
        const cancel = parseWireCancel(message)
        if (cancel) {
          try {
            onCancel(cancel)
          }
          catch {
            // The watcher must never keep a message from sip.js.
          }
        }
        this.onMessage?.(message)
      }
    }

    get protocol(): string { return this.inner.protocol }
    get state(): TransportState { return this.inner.state }
    get stateChange(): Emitter<TransportState> { return this.inner.stateChange }
    connect(): Promise<void> { return this.inner.connect() }
    disconnect(): Promise<void> { return this.inner.disconnect() }
    dispose(): Promise<void> { return this.inner.dispose() }
    isConnected(): boolean { return this.inner.isConnected() }
    send(message: string): Promise<void> { return this.inner.send(message) }
  }
}
