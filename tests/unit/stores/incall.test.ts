/**
 * The call store's in-call section: hold, keypad, blind and attended transfer (with
 * HubSpot's callTransferred), ringback state and the call-quality sampling.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StatsSnapshot } from '@/domain/quality'
import { CallError } from '@/sip/types'
import { useAgentStore } from '@/stores/agent'
import { QUALITY_SAMPLE_MS, useCallStore } from '@/stores/call'
import type { Harness } from '../fakes'
import { createHarness } from '../fakes'

afterEach(() => {
  vi.useRealTimers()
})

const flush = async () => {
  for (let i = 0; i < 5; i++)
    await Promise.resolve()
}

/** Signed in, dialled 1004, answered: the store is 'connected'. */
async function connected(): Promise<{ h: Harness, call: ReturnType<typeof useCallStore> }> {
  const h = createHarness()
  await useAgentStore().signIn({ extension: '1003', password: 'pw', displayName: '' })
  const call = useCallStore()
  await call.dial('1004', { fromHubSpot: false })
  h.sip.emit('callAnswered', { callId: 'call-1@test' })
  expect(call.phase).toBe('connected')
  h.hubspot.sent.length = 0
  h.sip.actions.length = 0
  return { h, call }
}

function snapshot(at: number, received: number, lost: number, rttMs = 20, jitterMs = 2): StatsSnapshot {
  return { at, rttMs, jitterMs, packetsReceived: received, packetsLost: lost, packetsSent: received, remoteFractionLost: 0, remoteReports: 0 }
}

describe('hold', () => {
  it('holds and resumes through the SIP adapter; the UI state follows the PBX\'s answer', async () => {
    const { h, call } = await connected()

    await call.toggleHold()
    expect(call.held).toBe(true)
    await call.toggleHold()

    expect(call.held).toBe(false)
    expect(h.sip.actions).toEqual(['hold:true', 'hold:false'])
    expect(call.phase).toBe('connected')
  })

  it('a refused hold leaves the call unheld and tells the agent', async () => {
    const { h, call } = await connected()
    h.sip.holdError = new CallError('rejected', 'The PBX refused to hold the call (488 Not Acceptable Here).')

    await call.toggleHold()

    expect(call.held).toBe(false)
    expect(call.notices.at(-1)?.text).toBe('The call could not be put on hold: The PBX refused to hold the call (488 Not Acceptable Here).')
  })

  it('ignores a second press while the re-INVITE is pending, and does nothing before the answer', async () => {
    const h = createHarness()
    await useAgentStore().signIn({ extension: '1003', password: 'pw', displayName: '' })
    const call = useCallStore()
    await call.dial('1004', { fromHubSpot: false })
    h.sip.actions.length = 0
    await call.toggleHold()
    expect(h.sip.actions).toEqual([])

    h.sip.emit('callAnswered', { callId: 'call-1@test' })
    const first = call.toggleHold()
    const second = call.toggleHold()
    await Promise.all([first, second])
    expect(h.sip.actions).toEqual(['hold:true'])
  })

  it('is cleared when the call ends', async () => {
    const { h, call } = await connected()
    await call.toggleHold()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    expect(call.held).toBe(false)
  })
})

describe('keypad', () => {
  it('sends each valid key as DTMF and shows what was pressed', async () => {
    const { h, call } = await connected()
    call.toggleKeypad()
    expect(call.keypadOpen).toBe(true)

    for (const key of ['1', '2', '#', 'x', '12'])
      await call.pressKey(key)

    expect(h.sip.actions).toEqual(['dtmf:1', 'dtmf:2', 'dtmf:#'])
    expect(call.dtmfSent).toBe('12#')
  })

  it('sends nothing before the call is answered', async () => {
    const h = createHarness()
    await useAgentStore().signIn({ extension: '1003', password: 'pw', displayName: '' })
    const call = useCallStore()
    await call.dial('600', { fromHubSpot: false })
    h.sip.actions.length = 0
    await call.pressKey('1')
    call.toggleKeypad()
    expect(h.sip.actions).toEqual([])
    expect(call.keypadOpen).toBe(false)
  })

  it('a failed key press is reported', async () => {
    const { h, call } = await connected()
    h.sip.sendDtmf = async () => {
      throw new CallError('rejected', 'The PBX refused the key press (415 Unsupported Media Type).')
    }
    await call.pressKey('5')
    expect(call.notices.at(-1)?.text).toBe('Key 5 was not sent: The PBX refused the key press (415 Unsupported Media Type).')
  })
})

describe('blind transfer', () => {
  it('REFERs to the normalised number; the end tells HubSpot callTransferred, then callEnded COMPLETED', async () => {
    const { h, call } = await connected()

    expect(await call.blindTransfer('020 7946 0600')).toBe(true)
    expect(h.sip.actions).toEqual(['transfer:+442079460600'])
    expect(call.transfer.stage).toBe('blind')
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'transferred', target: '+442079460600', attended: false } })

    expect(h.hubspot.types()).toEqual(['callTransferred', 'callEnded'])
    expect(h.hubspot.last('callTransferred')).toEqual({ externalCallId: 'call-1@test' })
    expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'COMPLETED' })
    expect(call.call?.endReason).toBe('You transferred the call to +442079460600.')
    expect(call.transfer.stage).toBe('idle')
  })

  it('an extension is a valid target', async () => {
    const { h, call } = await connected()
    await call.blindTransfer('1005')
    expect(h.sip.actions).toEqual(['transfer:1005'])
  })

  it('refuses what is not a number, before any REFER', async () => {
    const { h, call } = await connected()
    expect(await call.blindTransfer('sales team')).toBe(false)
    expect(h.sip.actions).toEqual([])
    expect(call.notices.at(-1)?.kind).toBe('error')
  })

  it('a failed transfer keeps the call and says why', async () => {
    const { h, call } = await connected()
    h.sip.transferError = new CallError('rejected', 'The transfer failed (404 Not Found). The caller is still on the line.')

    expect(await call.blindTransfer('1009')).toBe(false)

    expect(call.phase).toBe('connected')
    expect(call.transfer.stage).toBe('idle')
    expect(call.notices.at(-1)?.text).toBe('The call could not be transferred to 1009: The transfer failed (404 Not Found). The caller is still on the line.')
    expect(h.hubspot.types()).toEqual([])
  })
})

describe('attended transfer', () => {
  it('calls the target with the caller held, then completes: callTransferred + COMPLETED', async () => {
    const { h, call } = await connected()

    expect(await call.startAttendedTransfer('1005')).toBe(true)
    expect(h.sip.actions).toEqual(['consult:1005'])
    expect(call.held).toBe(true)
    expect(call.transfer).toEqual({ stage: 'calling', target: '1005', display: '1005' })
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'ringing' })
    expect(call.transfer.stage).toBe('ringing')
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'answered' })
    expect(call.transfer.stage).toBe('talking')

    await call.completeTransfer()
    expect(h.sip.actions).toEqual(['consult:1005', 'completeTransfer'])
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'ended', cause: { type: 'transferred', target: '1005', attended: true } })
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'transferred', target: '1005', attended: true } })

    expect(h.hubspot.types()).toEqual(['callTransferred', 'callEnded'])
    expect(call.call?.endReason).toBe('You transferred the call (attended) to 1005.')
  })

  it('Hold is not offered while the transfer call is up', async () => {
    const { h, call } = await connected()
    await call.startAttendedTransfer('1005')
    h.sip.actions.length = 0
    await call.toggleHold()
    expect(h.sip.actions).toEqual([])
  })

  it('going back hangs up on the target and resumes the caller', async () => {
    const { h, call } = await connected()
    await call.startAttendedTransfer('1005')
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'answered' })

    await call.cancelTransfer()
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'ended', cause: { type: 'hangup', by: 'local' } })
    await flush()

    expect(h.sip.actions).toEqual(['consult:1005', 'cancelConsultation', 'hold:false'])
    expect(call.held).toBe(false)
    expect(call.transfer.stage).toBe('idle')
  })

  it('the target does not take it: the caller stays on hold and the agent is told', async () => {
    const { h, call } = await connected()
    await call.startAttendedTransfer('1005')
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'ended', cause: { type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' } })

    expect(call.held).toBe(true)
    expect(call.transfer.stage).toBe('idle')
    expect(call.notices.at(-1)?.text).toBe('The transfer call to 1005 ended (The line is busy). The caller is still on hold.')
  })

  it('completion refused: back to talking with the target, the reason shown', async () => {
    const { h, call } = await connected()
    await call.startAttendedTransfer('1005')
    h.sip.emit('consultation', { callId: 'consult-1@test', target: '1005', state: 'answered' })
    h.sip.transferError = new CallError('rejected', 'The PBX refused the transfer (503 Service Unavailable).')

    await call.completeTransfer()

    expect(call.transfer.stage).toBe('talking')
    expect(call.notices.at(-1)?.text).toContain('503 Service Unavailable')
  })

  it('the target cannot be called: nothing changes but a notice', async () => {
    const { h, call } = await connected()
    h.sip.consultationError = new CallError('media', 'No microphone was found.')
    expect(await call.startAttendedTransfer('1005')).toBe(false)
    expect(call.transfer.stage).toBe('idle')
    expect(call.notices.at(-1)?.text).toBe('1005 could not be called: No microphone was found.')
  })
})

describe('ringback', () => {
  it('notes early media (183 with SDP) for the current call only, and forgets it on the next dial', async () => {
    const h = createHarness()
    await useAgentStore().signIn({ extension: '1003', password: 'pw', displayName: '' })
    const call = useCallStore()
    await call.dial('608', { fromHubSpot: false })
    h.hubspot.emit('engagementCreated', { engagementId: 1 })
    h.sip.emit('callProgress', { callId: 'call-1@test', statusCode: 180, earlyMedia: false })
    expect(call.earlyMedia).toBe(false)
    h.sip.emit('callProgress', { callId: 'call-1@test', statusCode: 183, earlyMedia: true })
    expect(call.earlyMedia).toBe(true)
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'canceled' } })
    call.saveCall()
    h.hubspot.emit('engagementUpdated', {})
    await call.dial('600', { fromHubSpot: false })
    expect(call.earlyMedia).toBe(false)
  })
})

describe('call quality', () => {
  it('samples getStats while connected, warns once when poor, and keeps the summary for the wrap-up', async () => {
    vi.useFakeTimers()
    const { h, call } = await connected()

    h.sip.stats = snapshot(0, 100, 0)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toMatchObject({ level: 'good', rttMs: 20, jitterMs: 2, loss: 0 })
    expect(call.quality!.mos).toBeGreaterThan(4.3)

    // 20 % loss in each of the next intervals: poor, and after two in a row a warning.
    h.sip.stats = snapshot(2000, 180, 20)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality?.level).toBe('poor')
    expect(call.qualityWarning).toBe(false)
    h.sip.stats = snapshot(4000, 260, 40)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.qualityWarning).toBe(true)
    h.sip.stats = snapshot(6000, 340, 60)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.notices.filter(n => n.text.startsWith('Poor call quality'))).toHaveLength(1)

    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })

    expect(call.quality).toBeNull()
    expect(call.call?.quality).toMatchObject({ samples: 4, poorSamples: 3, level: 'poor', maxRttMs: 20 })
  })

  it('stops sampling when the call ends', async () => {
    vi.useFakeTimers()
    const { h } = await connected()
    let reads = 0
    h.sip.sampleStats = async () => {
      reads++
      return snapshot(reads * 1000, reads * 50, 0)
    }
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS * 2)
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS * 3)
    expect(reads).toBe(2)
  })

  it('mute and hold/resume are not loss: the intervals they touch are left out (issue 14)', async () => {
    vi.useFakeTimers()
    const { h, call } = await connected()
    h.sip.stats = snapshot(0, 100, 0)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toMatchObject({ level: 'good', loss: 0 })

    // Muted and held, then resumed and unmuted before the next reading: the far end's
    // stream came back with a sequence jump that getStats counts as 40 % lost.
    call.toggleMute()
    await call.toggleHold()
    expect(call.held).toBe(true)
    await call.toggleHold()
    call.toggleMute()
    expect(call.muted).toBe(false)
    h.sip.stats = { ...snapshot(2000, 160, 40), remoteFractionLost: 0.4, remoteReports: 1 }
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toMatchObject({ level: 'good', loss: 0 })

    // The first receiver report after the gap still covers it: its loss does not count.
    h.sip.stats = { ...snapshot(4000, 260, 40), remoteFractionLost: 0.4, remoteReports: 2 }
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toMatchObject({ at: 4000, level: 'good', loss: 0 })
    // The next one describes only the time since: real loss counts again.
    h.sip.stats = { ...snapshot(6000, 360, 40), remoteFractionLost: 0.2, remoteReports: 3 }
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toMatchObject({ at: 6000, loss: 0.2, level: 'poor' })

    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })
    expect(call.call?.quality).toMatchObject({ samples: 3, poorSamples: 1 })
  })

  it('a reading taken while held says nothing about the network', async () => {
    vi.useFakeTimers()
    const { h, call } = await connected()
    await call.toggleHold()
    h.sip.stats = snapshot(0, 100, 50)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS * 3)
    expect(call.quality).toBeNull()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'local' } })
    expect(call.call?.quality).toBeUndefined()
  })

  it('no audio yet: no sample, no summary', async () => {
    vi.useFakeTimers()
    const { h, call } = await connected()
    h.sip.stats = snapshot(0, 0, 0)
    await vi.advanceTimersByTimeAsync(QUALITY_SAMPLE_MS)
    expect(call.quality).toBeNull()
    h.sip.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    expect(call.call?.quality).toBeUndefined()
  })
})
