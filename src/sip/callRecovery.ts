/**
 * Keeping an answered call through a lost WebSocket. The call's audio flows on its own path
 * (ICE/DTLS-SRTP), so losing the signalling connection need not end it. While the call is
 * kept (`callReconnecting`):
 *
 * 1. the same UserAgent reconnects at once, then with backoff (0.25 s doubling to 2 s, jitter);
 * 2. it REGISTERs again (the PBX learns the new connection for new calls);
 * 3. it sends an in-dialog re-INVITE (a target refresh, RFC 3261 §12.2 / §14) over the new
 *    connection, so the PBX sends the dialog's requests there (Asterisk's `rewrite_contact`
 *    rebinds the dialog to the connection the re-INVITE came in on). With ICE down too, that
 *    re-INVITE restarts ICE. A 200 → `callReconnected`.
 *
 * The call ends with its true status instead when the PBX no longer knows the dialog (481, or
 * 408 / no answer: the far end hung up meanwhile, its BYE went to the dead connection) →
 * `hangup` by `remote`; or after `callReconnectMs` without success → `transport-error`, and
 * the BYE goes out as soon as a connection exists. The agent's Hang up while disconnected
 * also ends the call at once with its BYE owed (callSession.sendBye).
 *
 * Registration events during the recovery carry `reconnect` (like withReconnect's), so the
 * app shows the reconnection and withReconnect leaves this UserAgent alone. The recovery
 * goes on after the call is gone (to deliver an owed BYE and REGISTER again) until it is
 * registered, the PBX refuses the credentials, or the agent signs out.
 */
import { SessionState } from 'sip.js'
import type { CallSession } from './callSession'
import type { ActiveCall, PhoneContext, Registration } from './phoneContext'
import { dialogGone, reinvite } from './reinvite'
import { RegistrationError } from './types'
import type { RegistrationFailure, SipPhoneEvents } from './types'
import { backoffDelay, MAX_RECONNECT_DELAY_MS } from './withReconnect'
import { t } from '@/i18n'
import { formatSeconds } from '@/i18n/format'

/** How long a call is kept without a connection by default (ms). */
export const DEFAULT_CALL_RECONNECT_MS = 30_000
/** Backoff while a call waits: the first retry after ~0.25 s, at most ~2 s between attempts. */
const CALL_BACKOFF = { baseDelayMs: 250, maxDelayMs: 2000 }
/** RFC 3261 §14.1: after a 491 the re-INVITE is tried again after 0–2 s (we do not own the Call-ID of an inbound call) or 2.1–4 s. */
const GLARE_RETRY_MS = 2100

export interface CallRecoveryDeps {
  session: CallSession
  /** REGISTERs again on `reg`'s (reconnected) UserAgent; rejects with a RegistrationError. */
  reRegister: (reg: Registration) => Promise<void>
  emitRegistration: (payload: SipPhoneEvents['registration']) => void
  /** "Lost the connection to the PBX at …" */
  lostMessage: string
}

export interface CallRecovery {
  /**
   * `reg`'s WebSocket dropped. True when the recovery owns it from now on (an answered call
   * is kept, or a recovery is already under way); false: the caller handles the loss.
   */
  onTransportLost: (reg: Registration) => boolean
  /** Sign-out, a new sign-in or dispose: stop trying for `reg`. */
  stop: (reg: Registration) => void
}

interface Recovery {
  readonly reg: Registration
  /** The kept call until it is rebound or ended (and, ended with a BYE owed, until that BYE went out). */
  call?: ActiveCall
  attempt: number
  timer?: ReturnType<typeof setTimeout>
  giveUpTimer?: ReturnType<typeof setTimeout>
}

export function createCallRecovery(ctx: PhoneContext, deps: CallRecoveryDeps): CallRecovery {
  const { log } = ctx
  const { session } = deps
  let active: Recovery | undefined

  const live = (rec: Recovery): boolean => active === rec && !rec.reg.stopping && !ctx.disposed

  function keepable(reg: Registration): ActiveCall | undefined {
    const call = ctx.current
    if (!call || call.registration !== reg || call.ended || !call.answered || call.inviter.state !== SessionState.Established)
      return undefined
    // An attended transfer in progress is not carried over: the old behaviour (the call ends).
    if (ctx.consult && !ctx.consult.ended)
      return undefined
    return call
  }

  function onTransportLost(reg: Registration): boolean {
    if (active && active.reg === reg) {
      // Lost again while recovering: the step under way fails and schedules the next attempt.
      reg.state = 'failed'
      return true
    }
    const call = keepable(reg)
    if (!call)
      return false
    const rec: Recovery = { reg, call, attempt: 0 }
    active = rec
    reg.state = 'failed'
    call.reconnecting = true
    log.warn(`${deps.lostMessage} Keeping call ${call.callId} while reconnecting.`)
    ctx.emit('callReconnecting', { callId: call.callId })
    const limitMs = ctx.options.callReconnectMs ?? DEFAULT_CALL_RECONNECT_MS
    rec.giveUpTimer = setTimeout(() => giveUp(rec, limitMs), limitMs)
    schedule(rec, 0)
    return true
  }

  function schedule(rec: Recovery, delayMs: number): void {
    deps.emitRegistration({
      state: 'failed',
      failure: { kind: 'transport', message: deps.lostMessage },
      reconnect: { attempt: rec.attempt + 1, delayMs },
    })
    rec.timer = setTimeout(() => {
      rec.timer = undefined
      void attempt(rec)
    }, delayMs)
  }

  function retry(rec: Recovery): void {
    if (!live(rec))
      return
    const waiting = rec.call !== undefined && !rec.call.ended
    schedule(rec, backoffDelay(rec.attempt, waiting ? CALL_BACKOFF : { maxDelayMs: MAX_RECONNECT_DELAY_MS }))
  }

  function done(rec: Recovery): void {
    clearTimeout(rec.timer)
    clearTimeout(rec.giveUpTimer)
    if (active === rec)
      active = undefined
  }

  async function attempt(rec: Recovery): Promise<void> {
    if (!live(rec))
      return
    const { reg } = rec
    rec.attempt++
    deps.emitRegistration({ state: 'registering', reconnect: { attempt: rec.attempt, delayMs: 0 } })
    try {
      await reg.ua.reconnect()
    }
    catch (error) {
      log.warn(`Reconnect attempt ${rec.attempt} failed`, error)
      retry(rec)
      return
    }
    if (!live(rec))
      return
    sendOwedBye(rec)
    try {
      await deps.reRegister(reg)
    }
    catch (error) {
      if (!live(rec))
        return
      const failure: RegistrationFailure = error instanceof RegistrationError
        ? error.failure
        : { kind: 'transport', message: deps.lostMessage }
      if (failure.kind === 'transport' || !reg.ua.isConnected()) {
        retry(rec)
        return
      }
      // The PBX refused the credentials (password changed): the call ends, the agent signs in again.
      done(rec)
      const call = rec.call
      if (call && !call.ended) {
        call.reconnecting = false
        session.endNow(call, { type: 'transport-error', message: failure.message })
      }
      reg.state = 'failed'
      deps.emitRegistration({ state: 'failed', failure })
      return
    }
    if (!live(rec))
      return
    reg.state = 'registered'
    deps.emitRegistration({ state: 'registered' })
    const call = rec.call
    if (call && !call.ended)
      await rebind(rec, call)
    else
      done(rec)
  }

  /** The re-INVITE over the new connection. */
  async function rebind(rec: Recovery, call: ActiveCall): Promise<void> {
    const pc = call.sdh?.peerConnection
    const iceRestart = pc !== undefined && (pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed')
    const outcome = await reinvite(call, { iceRestart })
    if (!live(rec) || call.ended) {
      if (active === rec && call.ended && !call.byeOwed)
        done(rec)
      return
    }
    if (outcome.ok) {
      done(rec)
      call.reconnecting = false
      log.warn(`Call ${call.callId} is on the new connection again.`)
      ctx.emit('callReconnected', { callId: call.callId })
      return
    }
    if (!rec.reg.ua.isConnected()) {
      // Lost again on the way: start over.
      rec.reg.state = 'failed'
      retry(rec)
      return
    }
    if (outcome.statusCode === 491) {
      rec.timer = setTimeout(() => {
        rec.timer = undefined
        if (live(rec) && !call.ended)
          void rebind(rec, call)
      }, GLARE_RETRY_MS)
      return
    }
    done(rec)
    call.reconnecting = false
    if (dialogGone(outcome)) {
      log.warn(`Call ${call.callId}: the PBX no longer knows the dialog (${outcome.message}); the far end hung up while the connection was down.`)
      session.endNow(call, { type: 'hangup', by: 'remote' })
      return
    }
    session.endNow(call, { type: 'transport-error', message: t('sip.notMoved', { why: outcome.ok ? '' : outcome.message }) })
  }

  /** A call that ended while disconnected owes the PBX its BYE: send it on the new connection. */
  function sendOwedBye(rec: Recovery): void {
    const call = rec.call
    if (!call?.byeOwed)
      return
    rec.call = undefined
    call.byeOwed = false
    call.reconnecting = false
    const sipSession = call.inviter
    if (sipSession.state !== SessionState.Established) {
      sipSession.dispose().catch((error: unknown) => log.warn('Session cleanup failed', error))
      return
    }
    sipSession.bye()
      .catch((error: unknown) => log.warn('BYE failed', error))
      .finally(() => {
        sipSession.dispose().catch((error: unknown) => log.warn('Session cleanup failed', error))
      })
  }

  function giveUp(rec: Recovery, limitMs: number): void {
    rec.giveUpTimer = undefined
    const call = rec.call
    if (active !== rec || !call || call.ended || !call.reconnecting)
      return
    const seconds = Math.round(limitMs / 1000)
    session.endNow(call, { type: 'transport-error', message: t('sip.notReconnected', { lost: deps.lostMessage, seconds: formatSeconds(seconds) }) })
    if (!call.byeOwed) {
      // Connected already (REGISTER or re-INVITE under way): the BYE went out now.
      call.reconnecting = false
      rec.call = undefined
    }
  }

  function stop(reg: Registration): void {
    if (active && active.reg === reg)
      done(active)
  }

  return { onTransportLost, stop }
}
