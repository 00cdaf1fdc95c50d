/**
 * Media recovery: when ICE of the answered call goes `disconnected` or `failed` after it had
 * connected (the network changed, a VPN came up or went down), restart ICE with an in-dialog
 * re-INVITE carrying new ICE credentials (RFC 8839 §4.4.1.1.1), like Twilio's Voice SDK does.
 * The audio comes back once the new checks succeed; the call goes on meanwhile.
 *
 * Bounds: one restart at a time; `MAX_ICE_RESTARTS` in a row without ICE connecting in
 * between, then a `failed` ICE ends the call (`media-error`) as before. While the WebSocket
 * is down the restart waits: callRecovery's re-INVITE restarts ICE itself.
 */
import { SessionState } from 'sip.js'
import type { CallSession } from './callSession'
import type { SdhObserver } from './media'
import type { ActiveCall, PhoneContext } from './phoneContext'
import { dialogGone, reinvite } from './reinvite'
import { t } from '@/i18n'

/** Restarts tried in a row without ICE connecting again before a `failed` ICE ends the call. */
export const MAX_ICE_RESTARTS = 3

export interface IceRestart {
  /** The hooks of the call's SDH observer (see ObservedSdh). */
  observer: (call: ActiveCall) => Pick<SdhObserver, 'onIceInterrupted' | 'onIceConnected'>
}

export function createIceRestart(ctx: PhoneContext, session: CallSession): IceRestart {
  const { log } = ctx

  async function restart(call: ActiveCall, state: 'disconnected' | 'failed'): Promise<void> {
    if (call.ended || !call.answered || call.inviter.state !== SessionState.Established || call.reconnecting || call.iceRestarting)
      return
    if (call.iceRestarts >= MAX_ICE_RESTARTS) {
      if (state === 'failed')
        session.endNow(call, { type: 'media-error', message: t('sip.iceFailed') })
      return
    }
    call.iceRestarting = true
    call.iceRestarts++
    log.warn(`ICE ${state} during call ${call.callId}: restarting ICE (attempt ${call.iceRestarts}).`)
    const outcome = await reinvite(call, { iceRestart: true })
    call.iceRestarting = false
    if (call.ended || outcome.ok || call.reconnecting)
      return
    log.warn(`The ICE restart re-INVITE of call ${call.callId} failed: ${outcome.message}`)
    if (dialogGone(outcome)) {
      session.endNow(call, { type: 'hangup', by: 'remote' })
      return
    }
    const pc = call.sdh?.peerConnection
    if (pc?.iceConnectionState === 'failed')
      session.endNow(call, { type: 'media-error', message: t('sip.iceNotRestarted', { why: outcome.message }) })
  }

  function observer(call: ActiveCall): Pick<SdhObserver, 'onIceInterrupted' | 'onIceConnected'> {
    return {
      onIceInterrupted: (state) => {
        void restart(call, state)
      },
      onIceConnected: () => {
        call.iceRestarts = 0
      },
    }
  }

  return { observer }
}
