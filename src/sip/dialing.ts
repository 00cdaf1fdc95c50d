/**
 * Placing an INVITE, shared by the agent's call and the consultation call of an attended
 * transfer: the number check, the Request-URI, the Inviter with early media, and the
 * provisional/final response handling both legs need.
 */
import { Inviter, UserAgent } from 'sip.js'
import type { Core, SessionDescriptionHandler, URI } from 'sip.js'
import { ObservedSdh } from './media'
import type { FinalResponse } from './phoneContext'
import { finalResponseOf } from './sipText'
import { CallError } from './types'
import { t } from '@/i18n'

const TARGET_PATTERN = /^\+?[0-9]{1,32}$/

/** Throws unless `target` is `+` and 1–32 digits. */
export function assertTarget(target: string): void {
  if (typeof target !== 'string' || !TARGET_PATTERN.test(target))
    throw new CallError('invalid-target', t('sip.invalidTarget'))
}

/** `sip:<target>@<domain>` (target already checked). */
export function targetUri(target: string, domain: string): URI {
  const uri = UserAgent.makeURI(`sip:${target}@${domain}`)
  if (!uri)
    throw new CallError('invalid-target', t('sip.invalidTarget'))
  return uri
}

/** A session delegate hook that hands over the SDH once it is the final (non-provisional) one. */
export function keepFinalSdh(keep: (sdh: ObservedSdh) => void): (sdh: SessionDescriptionHandler, provisional: boolean) => void {
  return (sdh, provisional) => {
    if (!provisional && sdh instanceof ObservedSdh)
      keep(sdh)
  }
}

/** An Inviter for an audio call with early media; `keep` receives its SDH. */
export function newInviter(ua: UserAgent, uri: URI, constraints: MediaStreamConstraints, keep: (sdh: ObservedSdh) => void): Inviter {
  return new Inviter(ua, uri, {
    earlyMedia: true,
    sessionDescriptionHandlerOptions: { constraints },
    delegate: { onSessionDescriptionHandler: keepFinalSdh(keep) },
  })
}

/**
 * The INVITE's request delegate: `onRinging` for each 180/183 (while the leg is up; `hasBody`
 * = early media), and a redirect/reject remembered as the leg's `finalResponse`.
 */
export function inviteDelegate(
  leg: { readonly ended: boolean, finalResponse?: FinalResponse },
  onRinging: (statusCode: number, hasBody: boolean) => void,
): Core.OutgoingRequestDelegate {
  const remember = (response: { message: Core.IncomingResponseMessage }): void => {
    leg.finalResponse = finalResponseOf(response.message)
  }
  return {
    onProgress: (response) => {
      const statusCode = response.message.statusCode ?? 0
      if (statusCode <= 100 || statusCode >= 200 || leg.ended)
        return
      onRinging(statusCode, Boolean(response.message.body))
    },
    onRedirect: remember,
    onReject: remember,
  }
}
