/**
 * Handing the caller to someone else: blind transfer (REFER to a number) and attended
 * transfer (hold, consult the target on a second call, then REFER with Replaces or go back).
 * Both end the same way: the PBX's NOTIFY (or its BYE after the 202) completes the transfer.
 */
import { SessionState } from 'sip.js'
import type { Session } from 'sip.js'
import type { CallControls } from './callControls'
import type { CallSession } from './callSession'
import type { ConsultationLeg } from './consultation'
import { assertTarget, targetUri } from './dialing'
import type { ActiveCall, PhoneContext } from './phoneContext'
import { describeResponse, errorText } from './sipText'
import { CallError } from './types'
import { t } from '@/i18n'

export interface Transfers {
  transfer: (target: string) => Promise<void>
  startConsultation: (target: string) => Promise<{ callId: string }>
  completeTransfer: () => Promise<void>
  cancelConsultation: () => Promise<void>
}

export function createTransfers(ctx: PhoneContext, session: CallSession, controls: CallControls, consultation: ConsultationLeg): Transfers {
  const { log, options } = ctx

  /**
   * REFER `call` to `referTo` (a URI: blind; the consultation's session: attended, sip.js adds
   * Replaces). Resolves when the PBX reports the transfer done (NOTIFY 2xx) or ends the call
   * after accepting it; the call then ends with cause 'transferred'. Rejects when the REFER or
   * the transfer fails; the call goes on.
   */
  function refer(call: ActiveCall, referTo: Parameters<Session['refer']>[0], transfer: { target: string, attended: boolean }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false
      const settle = (error?: CallError): void => {
        if (settled)
          return
        settled = true
        call.transferWaiter = undefined
        if (error) {
          call.transfer = undefined
          call.transferred = false
          reject(error)
        }
        else {
          resolve()
        }
      }
      call.transferWaiter = () => {
        if (call.transfer)
          settle()
        else
          settle(new CallError('no-call', t('sip.endedBeforeTransfer')))
      }
      const done = (): void => {
        call.localCause ??= { type: 'transferred', ...transfer }
        if (!call.ended && call.inviter.state === SessionState.Established)
          session.sendBye(call)
        settle()
      }
      call.inviter.refer(referTo, {
        requestDelegate: {
          onAccept: () => {
            call.transferred = true
            call.transfer = transfer
          },
          onReject: (response) => {
            settle(new CallError('rejected', t('sip.transferRefused', { why: describeResponse(response.message) })))
          },
        },
        onNotify: (notification) => {
          notification.accept().catch((error: unknown) => log.warn('NOTIFY answer failed', error))
          // The body is a sipfrag with the transfer's progress: "SIP/2.0 100 Trying", "SIP/2.0 200 OK".
          const status = /^SIP\/2\.0\s+(\d{3})(.*)$/m.exec(notification.request.body ?? '')
          const code = status?.[1] ? Number(status[1]) : 0
          if (code >= 200 && code < 300) {
            done()
          }
          else if (code >= 300) {
            const reason = `${code}${status?.[2] ?? ''}`.trim()
            settle(new CallError('rejected', t('sip.transferFailed', { why: reason })))
          }
        },
      }).catch((error: unknown) => settle(new CallError('rejected', t('sip.transferNotSent', { why: errorText(error) }))))
    })
  }

  async function transfer(target: string): Promise<void> {
    assertTarget(target)
    const call = controls.answeredCall()
    const uri = targetUri(target, options.domain)
    await refer(call, uri, { target, attended: false })
  }

  async function startConsultation(target: string): Promise<{ callId: string }> {
    assertTarget(target)
    const main = controls.answeredCall()
    if (ctx.consult && !ctx.consult.ended)
      throw new CallError('call-in-progress', t('sip.transferInProgress'))
    const uri = targetUri(target, options.domain)
    if (!main.held)
      await controls.hold(true)
    if (main.ended || ctx.consult)
      throw new CallError('no-call', t('sip.endedBeforeTransferCall'))
    return consultation.dial(main, target, uri)
  }

  async function completeTransfer(): Promise<void> {
    const main = controls.answeredCall()
    const c = ctx.consult
    if (!c || c.ended || !c.answered || c.inviter.state !== SessionState.Established)
      throw new CallError('no-call', t('sip.targetNotAnswered'))
    await refer(main, c.inviter, { target: c.target, attended: true })
    // The PBX joined the caller to the target: our leg to the target is done too.
    consultation.drop(c, true)
  }

  async function cancelConsultation(): Promise<void> {
    const c = ctx.consult
    if (c && !c.ended)
      await consultation.end(c)
  }

  return { transfer, startConsultation, completeTransfer, cancelConsultation }
}
