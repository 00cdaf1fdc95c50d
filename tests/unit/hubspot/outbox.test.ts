import { describe, expect, it } from 'vitest'
import { createOutbox, MAX_HELD_OUTGOING } from '@/hubspot/outbox'

describe('outbox: messages to HubSpot before its SYNC', () => {
  it('holds until opened and flushed, then sends in order; after that at once', () => {
    const sent: string[] = []
    const outbox = createOutbox()
    outbox.post({ send: () => sent.push('a'), callId: 'c1' })
    outbox.post({ send: () => sent.push('b') })
    expect(sent).toEqual([])
    outbox.open()
    outbox.post({ send: () => sent.push('initialized') })
    outbox.flush()
    outbox.post({ send: () => sent.push('c') })
    expect(sent).toEqual(['initialized', 'a', 'b', 'c'])
    expect(outbox.size).toBe(0)
  })

  it('when full drops the oldest call whole, never half of it', () => {
    const sent: string[] = []
    const outbox = createOutbox(5)
    for (const type of ['incoming', 'answered', 'ended'])
      outbox.post({ send: () => sent.push(`c1:${type}`), callId: 'c1' })
    for (const type of ['incoming', 'answered', 'ended'])
      outbox.post({ send: () => sent.push(`c2:${type}`), callId: 'c2' })
    outbox.open()
    outbox.flush()
    expect(sent).toEqual(['c2:incoming', 'c2:answered', 'c2:ended'])
  })

  it('is bounded by default', () => {
    const outbox = createOutbox()
    for (let i = 0; i < MAX_HELD_OUTGOING * 3; i++)
      outbox.post({ send: () => {}, callId: `c${i}` })
    expect(outbox.size).toBeLessThanOrEqual(MAX_HELD_OUTGOING)
  })
})
