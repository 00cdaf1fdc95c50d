/**
 * sip.js's Transport (its own `transportConstructor` extension point) wrapped so the adapter sees
 * two things sip.js hides or refuses:
 * - every incoming CANCEL, also one that crossed our 200 OK (sip.js's transaction layer answers
 *   it and never tells the session; RFC 3261 §9.2) — see cancelReason.ts;
 * - in-dialog UPDATEs (RFC 3311), which sip.js answers 405: the adapter may answer them itself
 *   (see sessionUpdate.ts) and then sip.js never sees them.
 * Everything else is delegated unchanged.
 */
import type { Core, Emitter, Transport, TransportState } from 'sip.js'
import { parseWireCancel } from './cancelReason'
import type { WireCancel } from './cancelReason'

export interface WireHooks {
  /** Every CANCEL, before sip.js handles it. */
  onCancel: (cancel: WireCancel) => void
  /** An UPDATE request (raw); true = answered by the adapter, sip.js must not see it. */
  onUpdate: (raw: string) => boolean
}

type TransportClass = new (logger: Core.Logger, options: { server: string }) => Transport

export function watchingTransport(Base: TransportClass, hooks: WireHooks): TransportClass {
  return class WatchingTransport implements Transport {
    onConnect: (() => void) | undefined
    onDisconnect: ((error?: Error) => void) | undefined
    onMessage: ((message: string) => void) | undefined
    private readonly inner: Transport

    constructor(logger: Core.Logger, options: { server: string }) {
      this.inner = new Base(logger, options)
      this.inner.onConnect = () => this.onConnect?.()
      this.inner.onDisconnect = error => this.onDisconnect?.(error)
      this.inner.onMessage = (message) => {
        // A watcher that throws must never keep a message from sip.js.
        try {
          if (message.startsWith('UPDATE ') && hooks.onUpdate(message))
            return
          const cancel = parseWireCancel(message)
          if (cancel)
            hooks.onCancel(cancel)
        }
        catch {
          // fall through to sip.js
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
