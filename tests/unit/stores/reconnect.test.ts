import { describe, expect, it } from 'vitest'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import type { Harness } from '../fakes'
import { createHarness } from '../fakes'

const ID = 'call-1@test'

/** A signed-in agent on an answered outbound call, answered at `h.clock.now`. */
async function connected(): Promise<{ h: Harness, call: ReturnType<typeof useCallStore> }> {
  const h = createHarness()
  await useAgentStore().signIn({ extension: '1001', password: 'pw', displayName: '' })
  const call = useCallStore()
  await call.dial('+442079460600', { fromHubSpot: true })
  h.sip.emit('callAnswered', { callId: ID })
  h.hubspot.sent.length = 0
  return { h, call }
}

describe('call store: a call kept through a lost connection', () => {
  it('is Reconnecting… while the adapter reconnects, and HubSpot hears nothing when it succeeds', async () => {
    const { h, call } = await connected()

    h.sip.emit('callReconnecting', { callId: ID })
    expect(call.reconnecting).toBe(true)
    expect(call.phase).toBe('connected')
    h.sip.emit('callReconnected', { callId: ID })

    expect(call.reconnecting).toBe(false)
    expect(call.phase).toBe('connected')
    expect(h.hubspot.sent).toEqual([])
  })

  it('the far end hung up while the connection was down: COMPLETED, talk time up to the loss, one callEnded', async () => {
    const { h, call } = await connected()
    const answeredAt = h.clock.now
    h.clock.now += 40_000
    h.sip.emit('callReconnecting', { callId: ID })
    h.clock.now += 5_000

    h.sip.emit('callEnded', { callId: ID, cause: { type: 'hangup', by: 'remote' } })
    h.sip.emit('callEnded', { callId: ID, cause: { type: 'hangup', by: 'remote' } })

    expect(call.reconnecting).toBe(false)
    expect(call.call?.endedAt).toBe(answeredAt + 40_000)
    expect(h.hubspot.sent.filter(m => m.type === 'callEnded')).toEqual([
      { type: 'callEnded', data: expect.objectContaining({ externalCallId: ID, callEndStatus: 'COMPLETED' }) },
    ])
  })

  it('gave up: FAILED, counted to the moment it ended', async () => {
    const { h, call } = await connected()
    h.sip.emit('callReconnecting', { callId: ID })
    h.clock.now += 30_000

    h.sip.emit('callEnded', { callId: ID, cause: { type: 'transport-error', message: 'Lost the connection to the PBX. The call could not be reconnected within 30 sec.' } })

    expect(call.call?.endedAt).toBe(h.clock.now)
    expect(call.call?.endReason).toBe('Lost the connection to the PBX. The call could not be reconnected within 30 sec.')
    expect(h.hubspot.last('callEnded')).toMatchObject({ callEndStatus: 'FAILED' })
  })

  it('ignores reconnection events of another call, and a later call starts without the flag', async () => {
    const { h, call } = await connected()
    h.sip.emit('callReconnecting', { callId: 'other@test' })
    expect(call.reconnecting).toBe(false)

    h.sip.emit('callReconnecting', { callId: ID })
    h.sip.emit('callEnded', { callId: ID, cause: { type: 'hangup', by: 'local' } })

    expect(call.reconnecting).toBe(false)
    expect(call.call?.endedAt).toBe(h.clock.now)
  })
})
