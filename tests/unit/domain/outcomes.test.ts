import { describe, expect, it } from 'vitest'
import { END_STATUS_TABLE } from '@/domain/endStatus'
import { CALL_OUTCOMES, defaultOutcomeFor } from '@/domain/outcomes'
import type { CallEndCause, EndStatus } from '@/domain/types'

const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7'
const BUSY = '9d9162e7-6cf3-4944-bf63-4dff82258764'
const NO_ANSWER = '73a0d17f-1163-4015-bdd5-ec830791da20'
const WRONG_NUMBER = '17b47fee-58de-441e-a44c-c6300d46f273'

const rejected = (statusCode: number): CallEndCause => ({ type: 'rejected', statusCode, reasonPhrase: '' })

describe('CALL_OUTCOMES', () => {
  it('lists HubSpot\'s default outcomes, in order, with their exact ids', () => {
    expect(CALL_OUTCOMES).toEqual([
      { id: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', key: 'connected' },
      { id: '9d9162e7-6cf3-4944-bf63-4dff82258764', key: 'busy' },
      { id: '73a0d17f-1163-4015-bdd5-ec830791da20', key: 'noAnswer' },
      { id: 'b2cf5968-551e-4856-9783-52b3da59a7d0', key: 'leftVoicemail' },
      { id: 'a4c4c377-d246-4b32-a13b-75a56a4cd0ff', key: 'leftLiveMessage' },
      { id: '17b47fee-58de-441e-a44c-c6300d46f273', key: 'wrongNumber' },
    ])
  })
})

describe('defaultOutcomeFor', () => {
  it.each<[string, EndStatus, CallEndCause | undefined, string | undefined]>([
    ['completed', 'COMPLETED', { type: 'hangup', by: 'remote' }, CONNECTED],
    ['busy', 'BUSY', rejected(486), BUSY],
    ['no answer', 'NO_ANSWER', { type: 'ring-timeout' }, NO_ANSWER],
    ['canceled', 'CANCELED', { type: 'canceled' }, NO_ANSWER],
    ['rejected (603)', 'REJECTED', rejected(603), NO_ANSWER],
    ['missed', 'MISSED', { type: 'missed' }, NO_ANSWER],
    ['failed 404', 'FAILED', rejected(404), WRONG_NUMBER],
    ['failed 484', 'FAILED', rejected(484), WRONG_NUMBER],
    ['failed 604', 'FAILED', rejected(604), WRONG_NUMBER],
    ['failed 503', 'FAILED', rejected(503), undefined],
    ['failed 403', 'FAILED', rejected(403), undefined],
    ['failed transport', 'FAILED', { type: 'transport-error', message: 'closed' }, undefined],
    ['failed media', 'FAILED', { type: 'media-error', message: 'denied' }, undefined],
    ['failed, cause unknown', 'FAILED', undefined, undefined],
    ['completed, cause unknown', 'COMPLETED', undefined, CONNECTED],
  ])('%s', (_name, status, cause, outcome) => {
    expect(defaultOutcomeFor(status, cause)).toBe(outcome)
  })

  it('only ever suggests an outcome from the list', () => {
    const ids = CALL_OUTCOMES.map((o) => o.id)
    const causes: (CallEndCause | undefined)[] = [undefined, rejected(404), rejected(486), rejected(503), { type: 'missed' }]
    for (const { status } of END_STATUS_TABLE) {
      for (const cause of causes) {
        const id = defaultOutcomeFor(status, cause)
        if (id !== undefined) expect(ids).toContain(id)
      }
    }
  })
})
