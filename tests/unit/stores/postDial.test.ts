/**
 * Numbers with extensions (`+1 415 555 0123 ext. 45`): the main number is dialed and reported
 * to HubSpot, the extension is keyed in as DTMF once the call is answered, after its pauses.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { POST_DIAL_PAUSE_MS } from '@/domain/phoneNumber'
import { CallError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import type { Harness } from '../fakes'
import { createHarness } from '../fakes'

afterEach(() => {
  vi.useRealTimers()
})

async function dialed(number: string): Promise<{ h: Harness, call: ReturnType<typeof useCallStore> }> {
  vi.useFakeTimers()
  const h = createHarness()
  await useAgentStore().signIn({ extension: '1001', password: 'pw', displayName: '' })
  const call = useCallStore()
  h.hubspot.sent.length = 0
  h.sip.actions.length = 0
  h.hubspot.emit('dialNumber', { request: { phoneNumber: number, countryCode: 'US' } })
  await vi.advanceTimersByTimeAsync(0)
  return { h, call }
}

describe('numbers with extensions', () => {
  it('dials the main number, tells HubSpot the main number, keys the extension in after the answer and a pause', async () => {
    const { h, call } = await dialed('+1 (415) 555-0123 ext. 45')
    expect(h.sip.actions).toEqual(['call:+14155550123'])
    expect(h.hubspot.last('outgoingCall')).toMatchObject({ toNumber: '+14155550123' })
    expect(call.call?.display).toBe('+1 415 555 0123 ext. 45')

    // Nothing is keyed in while it rings, however long.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(h.sip.actions).toEqual(['call:+14155550123'])

    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    expect(call.postDial).toEqual({ digits: '45', sent: '', state: 'waiting' })
    await vi.advanceTimersByTimeAsync(POST_DIAL_PAUSE_MS - 1)
    expect(h.sip.actions).toEqual(['call:+14155550123'])
    await vi.advanceTimersByTimeAsync(1)
    expect(h.sip.actions).toEqual(['call:+14155550123', 'dtmf:45'])
    expect(call.postDial).toEqual({ digits: '45', sent: '45', state: 'sent' })

    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    call.saveCall()
    expect(h.hubspot.last('callCompleted')).toMatchObject({ engagementProperties: { hs_call_to_number: '+14155550123' } })
  })

  it('each comma is one pause: ,,45,,2# → pause, pause, 45, pause, pause, 2#', async () => {
    const { h, call } = await dialed('+14155550123,,45,,2#')
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    await vi.advanceTimersByTimeAsync(2 * POST_DIAL_PAUSE_MS - 1)
    expect(h.sip.actions).toEqual(['call:+14155550123'])
    await vi.advanceTimersByTimeAsync(1)
    expect(h.sip.actions.slice(1)).toEqual(['dtmf:45'])
    expect(call.postDial?.state).toBe('waiting')
    await vi.advanceTimersByTimeAsync(2 * POST_DIAL_PAUSE_MS)
    expect(h.sip.actions.slice(1)).toEqual(['dtmf:45', 'dtmf:2#'])
    expect(call.postDial?.state).toBe('sent')
  })

  it('a call that ends during the pause keys nothing in', async () => {
    const { h } = await dialed('+1 415 555 0123 x45')
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    await vi.advanceTimersByTimeAsync(POST_DIAL_PAUSE_MS * 2)
    expect(h.sip.actions).toEqual(['call:+14155550123'])
  })

  it('a call that is never answered keys nothing in', async () => {
    const { h } = await dialed('+1 415 555 0123 x45')
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })
    await vi.advanceTimersByTimeAsync(POST_DIAL_PAUSE_MS * 2)
    expect(h.sip.actions).toEqual(['call:+14155550123'])
  })

  it('refused keys: the agent is told to use the keypad, the call goes on', async () => {
    const { h, call } = await dialed('+14155550123;ext=45')
    h.sip.sendDtmf = async () => {
      throw new CallError('rejected', 'The PBX refused the key press (488 Not Acceptable Here).')
    }
    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    await vi.advanceTimersByTimeAsync(POST_DIAL_PAUSE_MS)
    expect(call.postDial?.state).toBe('failed')
    expect(call.notices.at(-1)?.text).toBe('The extension 45 could not be sent: The PBX refused the key press (488 Not Acceptable Here). Use the keypad.')
    expect(call.phase).toBe('connected')
  })

  it('a number with a * glued on is refused: ERROR to HubSpot, nothing dialed', async () => {
    const { h } = await dialed('+14382663913*227')
    expect(h.sip.actions).toEqual([])
    expect(h.hubspot.types()).toEqual(['sendError'])
  })
})
