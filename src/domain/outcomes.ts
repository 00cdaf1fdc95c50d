/**
 * Call outcomes for the wrap-up form. HubSpot stores the outcome as
 * `hs_call_disposition`, an id; these are the ids of HubSpot's built-in
 * outcomes, which every portal has. Preselecting one from the SIP result saves
 * the agent a click on most calls while leaving the choice to them.
 */
import type { CallEndCause, EndStatus } from '@/domain/types'

export interface CallOutcome {
  readonly id: string
  /** Its name in the catalogue: `outcome.<key>` ("Connected", de "Verbunden"). */
  readonly key: keyof typeof OUTCOME_IDS
}

export const OUTCOME_IDS = {
  connected: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  busy: '9d9162e7-6cf3-4944-bf63-4dff82258764',
  noAnswer: '73a0d17f-1163-4015-bdd5-ec830791da20',
  leftVoicemail: 'b2cf5968-551e-4856-9783-52b3da59a7d0',
  leftLiveMessage: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff',
  wrongNumber: '17b47fee-58de-441e-a44c-c6300d46f273',
} as const

/** In the order HubSpot lists them. */
export const CALL_OUTCOMES: readonly CallOutcome[] = [
  { id: OUTCOME_IDS.connected, key: 'connected' },
  { id: OUTCOME_IDS.busy, key: 'busy' },
  { id: OUTCOME_IDS.noAnswer, key: 'noAnswer' },
  { id: OUTCOME_IDS.leftVoicemail, key: 'leftVoicemail' },
  { id: OUTCOME_IDS.leftLiveMessage, key: 'leftLiveMessage' },
  { id: OUTCOME_IDS.wrongNumber, key: 'wrongNumber' },
]

/** SIP answers that mean "this number does not exist": 404 Not Found, 484 Address Incomplete, 604 Does Not Exist Anywhere. */
const WRONG_NUMBER_CODES: readonly number[] = [404, 484, 604]

/**
 * The outcome to preselect, or `undefined` to leave the choice empty. A
 * COMPLETED call may well have reached voicemail; we cannot tell, so we
 * suggest Connected and the agent corrects it.
 */
export function defaultOutcomeFor(status: EndStatus, cause?: CallEndCause): string | undefined {
  switch (status) {
    case 'COMPLETED':
      return OUTCOME_IDS.connected
    case 'BUSY':
      return OUTCOME_IDS.busy
    case 'NO_ANSWER':
    case 'CANCELED':
    case 'REJECTED':
    case 'MISSED':
      return OUTCOME_IDS.noAnswer
    case 'FAILED':
      return cause?.type === 'rejected' && WRONG_NUMBER_CODES.includes(cause.statusCode)
        ? OUTCOME_IDS.wrongNumber
        : undefined
  }
}
