/**
 * Automatic reconnection around any `SipPhone`: when a signed-in phone loses the PBX
 * (a `registration` `failed` of kind 'transport' that no register() call asked for), it
 * REGISTERs again with the same credentials, with exponential backoff and jitter, until
 * the PBX answers, the agent signs out, or the PBX refuses the credentials (then the
 * failure goes out as is and the agent is back at sign-in with the reason).
 *
 * The credentials are kept in this closure only, exactly as long as the adapter keeps
 * them: from a successful register() to unregister()/dispose()/a refused re-REGISTER.
 *
 * A `registration` event that already carries `reconnect` comes from the inner phone's own
 * reconnection (an answered call kept through the loss, see callRecovery): it is passed on
 * and the loop stays out of it.
 */
import { createEventHub } from './events'
import type { ReconnectInfo, RegistrationFailure, SipCredentials, SipEventHandler, SipEventName, SipPhone, SipPhoneEvents } from './types'
import { RegistrationError } from './types'

export interface ReconnectOptions {
  /** First delay (ms); doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Fraction of each delay that is random (0..1), so a whole office does not reconnect in step. */
  jitter?: number
  random?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

/**
 * The longest wait between attempts. An agent must be able to call again within seconds of
 * the PBX coming back, whatever the outage's length; a REGISTER every 4–8 s per agent is
 * nothing for a PBX, and the jitter keeps an office from arriving in step.
 */
export const MAX_RECONNECT_DELAY_MS = 8000

/** The delay before reconnect attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, options: Pick<ReconnectOptions, 'baseDelayMs' | 'maxDelayMs' | 'jitter' | 'random'> = {}): number {
  const base = options.baseDelayMs ?? 1000
  const max = options.maxDelayMs ?? MAX_RECONNECT_DELAY_MS
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5))
  const random = options.random ?? Math.random
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling * (1 - jitter) + ceiling * jitter * random())
}

export type ReconnectingSipPhone = SipPhone & {
  /** Skip the wait and try now (e.g. the browser came back online). No-op unless reconnecting. */
  reconnectNow: () => void
}

export function withReconnect(inner: SipPhone, options: ReconnectOptions = {}): ReconnectingSipPhone {
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms))
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>))
  const listeners = createEventHub((event, error) => console.error(`[softphone] A "${event}" handler threw`, error))
  const unsubscribers = new Map<SipEventName, () => void>()
  let credentials: SipCredentials | undefined
  /** A register() of the agent's own is under way: its failures are its own. */
  let userRegistering = 0
  /** The loop's own register() is under way. */
  let retrying = false
  let attempt = 0
  let timer: unknown
  let loop = 0
  let disposed = false

  const deliver = listeners.emit

  function stopLoop(): void {
    loop++
    attempt = 0
    retrying = false
    if (timer !== undefined)
      clearTimer(timer)
    timer = undefined
  }

  function schedule(failure: RegistrationFailure): void {
    attempt++
    const delayMs = backoffDelay(attempt, options)
    const reconnect: ReconnectInfo = { attempt, delayMs }
    deliver('registration', { state: 'failed', failure, reconnect })
    const myLoop = loop
    timer = setTimer(() => {
      timer = undefined
      if (myLoop === loop)
        void tryOnce(myLoop)
    }, delayMs)
  }

  async function tryOnce(myLoop: number): Promise<void> {
    const creds = credentials
    if (!creds || disposed)
      return
    retrying = true
    try {
      await inner.register(creds)
      if (myLoop === loop) {
        retrying = false
        attempt = 0
      }
    }
    catch (error) {
      if (myLoop !== loop)
        return
      retrying = false
      const failure: RegistrationFailure = error instanceof RegistrationError
        ? error.failure
        : { kind: 'transport', message: error instanceof Error ? error.message : String(error) }
      if (failure.kind === 'transport') {
        schedule(failure)
        return
      }
      // The PBX answered and refused (password changed, account removed): back to sign-in.
      credentials = undefined
      attempt = 0
      deliver('registration', { state: 'failed', failure })
    }
  }

  function onInnerRegistration(payload: SipPhoneEvents['registration']): void {
    if (retrying) {
      // The loop's attempt: 'registering' is shown with the attempt, a failure is decided in tryOnce.
      if (payload.state === 'registering')
        deliver('registration', { ...payload, reconnect: { attempt, delayMs: 0 } })
      else if (payload.state !== 'failed')
        deliver('registration', payload)
      return
    }
    if (payload.reconnect) {
      // The inner phone reconnects by itself (it keeps a call through the loss: callRecovery).
      deliver('registration', payload)
      return
    }
    if (payload.state === 'failed' && payload.failure?.kind === 'transport' && credentials && userRegistering === 0 && !disposed) {
      stopLoop()
      schedule(payload.failure)
      return
    }
    if (payload.state === 'failed' && payload.failure && payload.failure.kind !== 'transport' && userRegistering === 0)
      credentials = undefined
    deliver('registration', payload)
  }

  function subscribe<K extends SipEventName>(event: K): void {
    if (unsubscribers.has(event))
      return
    const off = event === 'registration'
      ? inner.on('registration', onInnerRegistration)
      : inner.on(event, payload => deliver(event, payload))
    unsubscribers.set(event, off)
  }
  subscribe('registration')

  const overrides: Partial<ReconnectingSipPhone> = {
    register: async (creds) => {
      stopLoop()
      credentials = undefined
      userRegistering++
      try {
        await inner.register(creds)
        credentials = { ...creds }
      }
      finally {
        userRegistering--
      }
    },
    unregister: async () => {
      stopLoop()
      credentials = undefined
      await inner.unregister()
    },
    dispose: async () => {
      disposed = true
      stopLoop()
      credentials = undefined
      await inner.dispose()
      for (const off of unsubscribers.values())
        off()
      unsubscribers.clear()
    },
    on: <K extends SipEventName>(event: K, handler: SipEventHandler<K>) => {
      subscribe(event)
      return listeners.on(event, handler)
    },
    reconnectNow: () => {
      if (timer === undefined || retrying || !credentials)
        return
      clearTimer(timer)
      timer = undefined
      void tryOnce(loop)
    },
  }
  // Everything else (call, hold, transfer, devices…) goes straight to the inner phone,
  // including methods added to SipPhone later.
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop))
        return overrides[prop as keyof ReconnectingSipPhone]
      const value: unknown = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  }) as ReconnectingSipPhone
}
