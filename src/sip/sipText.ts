/**
 * SIP responses and thrown errors turned into the short texts the agent reads. Every
 * "refused (486 Busy Here)" message in the adapter is built here, so they all read alike.
 */
import type { Core } from 'sip.js'
import type { FinalResponse } from './phoneContext'

/** "486 Busy Here" (status and reason phrase; "0" when the response had none). */
export function describeResponse(message: Core.IncomingResponseMessage): string {
  return `${message.statusCode ?? 0} ${message.reasonPhrase ?? ''}`.trim()
}

/** The status line of a final response, kept to explain why a call ended. */
export function finalResponseOf(message: Core.IncomingResponseMessage): FinalResponse {
  return { statusCode: message.statusCode ?? 0, reasonPhrase: message.reasonPhrase ?? '' }
}

/** The message of whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
