import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SipPhoneEvents } from '@/sip/types'
import type { Harness } from './harness'
import { registered } from './harness'

const registrations = (h: Harness): Array<SipPhoneEvents['registration']> =>
  h.events.all.filter(e => e.event === 'registration').map(e => e.payload as SipPhoneEvents['registration'])

afterEach(() => {
  vi.useRealTimers()
})

describe('registration refresh', () => {
  it('REGISTERs again before the registration expires', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const h = await registered()
    const before = h.pbx.sent('REGISTER').length
    await vi.advanceTimersByTimeAsync(600_000)
    expect(h.pbx.sent('REGISTER').length).toBeGreaterThan(before)
    expect(registrations(h).at(-1)).toEqual({ state: 'registered' })
  })

  it('a refused refresh (the password changed on the PBX) ends the sign-in with a reason', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const h = await registered()
    h.pbx.password = 'changed-by-the-admin'
    await vi.advanceTimersByTimeAsync(600_000)
    const last = registrations(h).at(-1)
    expect(last?.state).toBe('failed')
    expect(last?.failure?.message).toMatch(/sign-in/)
  })
})
