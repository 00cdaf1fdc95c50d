import { describe, expect, it, vi } from 'vitest'
import { RegistrationError } from '@/sip/types'
import { PASSWORD, SERVER, USER } from './fakePbx'
import { registered, setup } from './harness'

describe('register()', () => {
  it('answers the digest challenge and resolves once registered', async () => {
    const h = setup()

    await h.phone.register({ user: USER, password: PASSWORD, displayName: 'Agent Smith' })

    const registers = h.pbx.sent('REGISTER')
    expect(registers).toHaveLength(2)
    expect(registers[0]?.header('authorization')).toBeUndefined()
    expect(registers[1]?.header('authorization')).toMatch(/^Digest .*username="1001"/)
    expect(registers[1]?.ruri).toBe('sip:pbx.test')
    expect(registers[1]?.header('from')).toContain('"Agent Smith" <sip:1001@pbx.test>')
    expect(h.events.of('registration')).toEqual([{ state: 'registering' }, { state: 'registered' }])
  })

  it('reports a wrong password as an auth failure', async () => {
    const h = setup()
    h.pbx.password = 'something-else'

    const attempt = h.phone.register({ user: USER, password: PASSWORD })

    await expect(attempt).rejects.toBeInstanceOf(RegistrationError)
    await expect(attempt).rejects.toMatchObject({
      failure: { kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' },
    })
    expect(h.events.of('registration')).toEqual([
      { state: 'registering' },
      { state: 'failed', failure: { kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' } },
    ])
    expect(h.pbx.transport.isConnected()).toBe(false)
  })

  it('reports an unreachable PBX as a transport failure naming the URL', async () => {
    const h = setup()
    h.pbx.reachable = false

    const attempt = h.phone.register({ user: USER, password: PASSWORD })

    await expect(attempt).rejects.toMatchObject({
      failure: { kind: 'transport', message: `Cannot reach the PBX at ${SERVER}.` },
    })
    expect(h.events.of('registration').map(e => e.state)).toEqual(['registering', 'failed'])
    expect(h.pbx.sent('REGISTER')).toHaveLength(0)
  })

  it('reports other refusals with the status code and reason', async () => {
    const h = setup()
    h.pbx.registerReply = { status: 503, reason: 'Service Unavailable' }

    await expect(h.phone.register({ user: USER, password: PASSWORD })).rejects.toMatchObject({
      failure: { kind: 'rejected', statusCode: 503, message: 'The PBX refused the sign-in (503 Service Unavailable).' },
    })
  })

  it('reports 403 Forbidden as an auth failure', async () => {
    const h = setup()
    h.pbx.registerReply = { status: 403, reason: 'Forbidden' }

    await expect(h.phone.register({ user: USER, password: PASSWORD })).rejects.toMatchObject({
      failure: { kind: 'auth', statusCode: 403, message: 'Wrong extension or password.' },
    })
  })

  it('signs in again cleanly: the previous user agent is unregistered and disconnected first', async () => {
    const h = await registered()
    const first = h.pbx.transport

    await h.phone.register({ user: USER, password: PASSWORD })

    expect(h.pbx.transports).toHaveLength(2)
    expect(first.isConnected()).toBe(false)
    expect(h.pbx.transport.isConnected()).toBe(true)
    const unregisters = h.pbx.sent('REGISTER').filter(r => r.header('expires') === '0')
    expect(unregisters).toHaveLength(1)
    expect(h.events.of('registration').map(e => e.state)).toEqual(['registering', 'registered', 'registering', 'registered'])
  })

  it('reports a dropped WebSocket while registered as a transport failure', async () => {
    const h = await registered()

    h.pbx.transport.drop()

    expect(await h.events.wait('registration', 3)).toEqual({
      state: 'failed',
      failure: { kind: 'transport', message: `Lost the connection to the PBX at ${SERVER}.` },
    })
    await expect(h.phone.call('+15550100')).rejects.toMatchObject({ kind: 'not-registered' })
  })
})

describe('unregister()', () => {
  it('sends REGISTER with Expires: 0, disconnects and emits unregistered', async () => {
    const h = await registered()
    const transport = h.pbx.transport

    await h.phone.unregister()

    const last = h.pbx.sent('REGISTER').at(-1)
    expect(last?.header('expires')).toBe('0')
    expect(last?.header('contact')).toMatch(/;expires=0/)
    expect(transport.isConnected()).toBe(false)
    expect(h.events.of('registration').at(-1)).toEqual({ state: 'unregistered' })
  })

  it('never rejects, even when nothing was registered or the PBX is gone', async () => {
    const h = setup()
    await expect(h.phone.unregister()).resolves.toBeUndefined()

    const r = await registered()
    r.pbx.transport.drop()
    await expect(r.phone.unregister()).resolves.toBeUndefined()
    expect(r.events.of('registration').at(-1)).toEqual({ state: 'unregistered' })
  })
})

describe('events', () => {
  it('keeps working when a handler throws, and on() returns an unsubscribe', async () => {
    const h = setup()
    const seen: string[] = []
    h.phone.on('registration', () => {
      throw new Error('boom')
    })
    const off = h.phone.on('registration', e => seen.push(e.state))

    await h.phone.register({ user: USER, password: PASSWORD })
    off()
    await h.phone.unregister()

    expect(seen).toEqual(['registering', 'registered'])
    expect(h.logLines.some(line => line.includes('"registration" handler threw: boom'))).toBe(true)
  })
})

describe('logging', () => {
  const consoleMethods = ['log', 'debug', 'info', 'warn', 'error'] as const

  function spyConsole() {
    return consoleMethods.map(method => vi.spyOn(console, method).mockImplementation(() => {}))
  }

  function printed(spies: ReturnType<typeof spyConsole>): string {
    return spies.flatMap(spy => spy.mock.calls.map(args => args.map(String).join(' '))).join('\n')
  }

  it('never prints the password, nor the digest response, even with debug: true', async () => {
    const spies = spyConsole()
    const h = await registered({ debug: true, console: true })
    h.pbx.password = 'rotated' // the refresh and un-REGISTER are logged too
    await h.phone.unregister()

    const output = printed(spies)
    expect(output).toContain('REGISTER sip:pbx.test SIP/2.0') // the SIP trace is printed...
    expect(output).toContain('Authorization: Digest')
    expect(output).toContain('response="[redacted]"') // ...with the digest hash removed
    expect(output).not.toContain(PASSWORD)
  })

  it('is quiet without debug: no sip.js chatter below error level', async () => {
    const spies = spyConsole()
    const h = await registered({ console: true })
    await h.phone.unregister()

    const [log, debug, info, warn] = spies
    expect(log).not.toHaveBeenCalled()
    expect(debug).not.toHaveBeenCalled()
    expect(info).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect(printed(spies)).not.toContain(PASSWORD)
  })
})
