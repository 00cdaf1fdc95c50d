import { afterEach, describe, expect, it } from 'vitest'
import { probeSends } from '@/hubspot/benchProbe'

const global = globalThis as { __benchProbe?: (type: string) => void }

describe('benchProbe: the bench build\'s mark after each message to HubSpot', () => {
  afterEach(() => {
    delete global.__benchProbe
  })

  it('marks each message after the SDK posted it, with its type and arguments untouched', () => {
    const order: string[] = []
    const manager = {
      sendMessage(message: { type: string }, callback?: () => void): void {
        order.push(`posted ${message.type}${callback ? ' with callback' : ''}`)
      },
    }
    global.__benchProbe = type => order.push(`probe ${type}`)
    probeSends(manager)
    manager.sendMessage({ type: 'CALL_ANSWERED' }, () => {})
    manager.sendMessage({ type: 'CALL_ENDED' })
    expect(order).toEqual(['posted CALL_ANSWERED with callback', 'probe CALL_ANSWERED', 'posted CALL_ENDED', 'probe CALL_ENDED'])
  })

  it('sends as before when the bench defined no probe, and ignores a missing manager', () => {
    const posted: string[] = []
    const manager = { sendMessage: (message: { type: string }) => void posted.push(message.type) }
    probeSends(manager)
    probeSends(undefined)
    manager.sendMessage({ type: 'USER_LOGGED_IN' })
    expect(posted).toEqual(['USER_LOGGED_IN'])
  })
})
