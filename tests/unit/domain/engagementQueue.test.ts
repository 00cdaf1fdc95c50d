import { describe, expect, it } from 'vitest'
import { createEngagementQueue, MAX_WAITING_ENGAGEMENTS } from '@/domain/engagementQueue'

describe('engagement queue', () => {
  it('gives an unnamed answer to the oldest call still waiting, in order', () => {
    const q = createEngagementQueue()
    q.announced('a')
    q.announced('b')
    expect(q.route({})).toBe('a')
    expect(q.route({})).toBe('b')
    expect(q.route({})).toBeNull()
  })

  it('a named answer goes to the call it names and takes it out of the queue', () => {
    const q = createEngagementQueue()
    q.announced('a')
    q.announced('b')
    expect(q.route({ externalCallId: 'b' })).toBe('b')
    expect(q.route({})).toBe('a')
    expect(q.route({ externalCallId: 'unknown' })).toBe('unknown')
  })

  it('announcing a call twice queues it once; the queue forgets the oldest past its bound', () => {
    const q = createEngagementQueue()
    q.announced('a')
    q.announced('a')
    for (let i = 0; i < MAX_WAITING_ENGAGEMENTS; i++)
      q.announced(`c${i}`)
    expect(q.route({})).toBe('c0')
  })
})
