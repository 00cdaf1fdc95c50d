import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import { SAVE_ANSWER_TIMEOUT_MS } from '@/stores/call/wrapUp'
import { createHarness } from '../fakes'

afterEach(() => {
  vi.useRealTimers()
})

async function inWrapUp() {
  const h = createHarness()
  const call = useCallStore()
  await useAgentStore().signIn({ extension: '1007', password: 'pw', displayName: '' })
  h.hubspot.emit('dialNumber', { request: { phoneNumber: '+442079460600' } })
  for (let i = 0; i < 5; i++) await Promise.resolve()
  h.hubspot.emit('engagementCreated', { engagementId: 5001 })
  h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
  expect(call.phase).toBe('ended')
  return { h, call }
}

const completedCount = (h: Awaited<ReturnType<typeof inWrapUp>>['h']) => h.hubspot.types().filter(t => t === 'callCompleted').length

describe('call store: a failed save is retried until HubSpot confirms', () => {
  it('sends callCompleted again on its own with growing delays, with the same notes, until confirmed', async () => {
    vi.useFakeTimers()
    const { h, call } = await inWrapUp()
    call.wrapUp.notes = 'do not lose me'
    call.saveCall()
    expect(completedCount(h)).toBe(1)

    h.hubspot.emit('engagementUpdateFailed', { message: 'HubSpot is down' })
    expect(call.wrapUp.error).toBe('HubSpot could not save the call: HubSpot is down Trying again in 2 sec; your notes are kept.')
    vi.advanceTimersByTime(1999)
    expect(completedCount(h)).toBe(1)
    vi.advanceTimersByTime(1)
    expect(completedCount(h)).toBe(2)

    h.hubspot.emit('engagementUpdateFailed', { message: 'still down' })
    expect(call.wrapUp.error).toContain('Trying again in 4 sec')
    vi.advanceTimersByTime(4000)
    expect(completedCount(h)).toBe(3)
    const last = h.hubspot.last('callCompleted') as { engagementProperties: { hs_call_body: string } }
    expect(last.engagementProperties.hs_call_body).toBe('do not lose me')

    h.hubspot.emit('engagementUpdated', {})
    expect(call.phase).toBe('idle')
    vi.advanceTimersByTime(120_000)
    expect(completedCount(h)).toBe(3)
  })

  it('Retry sends at once and cancels the pending automatic one', async () => {
    vi.useFakeTimers()
    const { h, call } = await inWrapUp()
    call.saveCall()
    h.hubspot.emit('engagementUpdateFailed', { message: 'down' })
    call.saveCall()
    expect(completedCount(h)).toBe(2)
    // The automatic retry (due after 2 s) was cancelled; nothing more is sent while the save waits for its answer.
    vi.advanceTimersByTime(SAVE_ANSWER_TIMEOUT_MS - 1)
    expect(completedCount(h)).toBe(2)
  })

  it('counts a save HubSpot never answers as failed, keeps the notes, and sends it again', async () => {
    vi.useFakeTimers()
    const { h, call } = await inWrapUp()
    call.wrapUp.notes = 'sent into the void'
    call.saveCall()
    vi.advanceTimersByTime(SAVE_ANSWER_TIMEOUT_MS)
    expect(call.wrapUp.saving).toBe(false)
    expect(call.wrapUp.error).toBe('HubSpot could not save the call: HubSpot did not answer. Trying again in 2 sec; your notes are kept.')
    expect(call.wrapUp.notes).toBe('sent into the void')
    vi.advanceTimersByTime(2000)
    expect(completedCount(h)).toBe(2)
    h.hubspot.emit('engagementUpdated', {})
    expect(call.phase).toBe('idle')
  })

  it('does not save half-typed notes on its own when a stray failure arrives while nothing is being saved', async () => {
    vi.useFakeTimers()
    const { h, call } = await inWrapUp()
    call.wrapUp.notes = 'still typi'
    h.hubspot.emit('engagementUpdateFailed', { message: 'old news' })
    vi.advanceTimersByTime(120_000)
    expect(completedCount(h)).toBe(0)
    expect(call.wrapUp.error).toBeNull()
  })
})
