import { describe, expect, it } from 'vitest'
import type { SipPhoneEvents } from '@/sip/types'
import { RegistrationError } from '@/sip/types'
import { backoffDelay, withReconnect } from '@/sip/withReconnect'
import { FakeSip } from '../fakes'

const lost = { kind: 'transport' as const, message: 'Lost the connection to the PBX at wss://pbx.example.com/ws.' }
const unreachable = new RegistrationError({ kind: 'transport', message: 'Cannot reach the PBX at wss://pbx.example.com/ws.' })

function setup() {
  const inner = new FakeSip()
  const timers: Array<{ fn: () => void, ms: number, cleared: boolean }> = []
  const phone = withReconnect(inner, {
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    jitter: 0.5,
    random: () => 0.5,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false }
      timers.push(t)
      return t
    },
    clearTimer: (h) => {
      (h as { cleared: boolean }).cleared = true
    },
  })
  const events: Array<SipPhoneEvents['registration']> = []
  phone.on('registration', e => events.push(e))
  const fire = async () => {
    const t = timers.find(x => !x.cleared)
    if (!t) throw new Error('no pending timer')
    t.cleared = true
    t.fn()
    await new Promise(r => setTimeout(r, 0))
  }
  const pending = () => timers.filter(t => !t.cleared)
  return { inner, phone, timers, events, fire, pending }
}

const creds = { user: '1007', password: 'test1007' }

describe('backoffDelay', () => {
  it('doubles up to the cap, with the jittered share between (1-j) and 1 of it', () => {
    const o = { baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.5 }
    expect([1, 2, 3, 4, 5, 6, 7].map(a => backoffDelay(a, { ...o, random: () => 1 }))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(2000)
    expect(backoffDelay(1)).toBeGreaterThanOrEqual(500)
    expect(backoffDelay(1)).toBeLessThanOrEqual(1000)
  })

  it('never waits more than 8 s by default, so the agent is back within seconds of the PBX', () => {
    expect([1, 2, 3, 4, 5, 10, 50].map(a => backoffDelay(a, { random: () => 1 }))).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000])
    expect(backoffDelay(50, { random: () => 0 })).toBe(4000)
  })
})

describe('withReconnect', () => {
  it('REGISTERs again with the same credentials after the WebSocket drops, backing off while the PBX is away', async () => {
    const { inner, phone, events, fire, pending } = setup()
    await phone.register(creds)
    inner.actions.length = 0
    events.length = 0

    inner.registerError = unreachable
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(events).toEqual([{ state: 'failed', failure: lost, reconnect: { attempt: 1, delayMs: 750 } }])
    expect(pending().map(t => t.ms)).toEqual([750])

    await fire()
    expect(inner.actions).toEqual(['register:1007'])
    expect(inner.credentials).toEqual(creds)
    expect(events.at(-1)).toEqual({ state: 'failed', failure: unreachable.failure, reconnect: { attempt: 2, delayMs: 1500 } })

    inner.registerError = null
    await fire()
    expect(events.at(-1)).toEqual({ state: 'registered' })
    expect(pending()).toEqual([])

    // A second loss starts again from the first delay.
    inner.registerError = unreachable
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(events.at(-1)?.reconnect).toEqual({ attempt: 1, delayMs: 750 })
  })

  it('stops and sends the agent to sign-in when the PBX refuses the credentials (password changed)', async () => {
    const { inner, phone, events, fire, pending } = setup()
    await phone.register(creds)
    inner.emit('registration', { state: 'failed', failure: lost })
    const refused = new RegistrationError({ kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' })
    inner.registerError = refused
    await fire()
    expect(events.at(-1)).toEqual({ state: 'failed', failure: refused.failure })
    expect(pending()).toEqual([])
    // A later drop does not try with the refused credentials.
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(pending()).toEqual([])
  })

  it('does nothing after sign-out, and sign-out cancels a pending attempt', async () => {
    const { inner, phone, fire, pending } = setup()
    await phone.register(creds)
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(pending()).toHaveLength(1)
    await phone.unregister()
    expect(pending()).toEqual([])
    inner.actions.length = 0
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(pending()).toEqual([])
    await expect(fire()).rejects.toThrow('no pending timer')
    expect(inner.actions).toEqual([])
  })

  it('never reconnects a phone that was never signed in, nor on a failure of the agent\'s own sign-in', async () => {
    const { inner, phone, events, pending } = setup()
    inner.registerError = unreachable
    await expect(phone.register(creds)).rejects.toBe(unreachable)
    inner.emit('registration', { state: 'failed', failure: lost })
    expect(pending()).toEqual([])
    expect(events).toEqual([{ state: 'failed', failure: lost }])
  })

  it('reconnectNow() skips the wait', async () => {
    const { inner, phone, events, pending } = setup()
    await phone.register(creds)
    inner.emit('registration', { state: 'failed', failure: lost })
    phone.reconnectNow()
    await new Promise(r => setTimeout(r, 0))
    expect(events.at(-1)).toEqual({ state: 'registered' })
    expect(pending()).toEqual([])
  })

  it('passes every other method and event straight through', async () => {
    const { inner, phone } = setup()
    const ended: unknown[] = []
    phone.on('callEnded', e => ended.push(e))
    await phone.register(creds)
    await phone.call('+442079460600')
    phone.setMuted(true)
    inner.emit('callEnded', { callId: 'call-1@test', cause: { type: 'hangup', by: 'remote' } })
    expect(inner.actions).toEqual(['register:1007', 'call:+442079460600', 'mute:true'])
    expect(ended).toHaveLength(1)
  })
})
