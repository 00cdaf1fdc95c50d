import { describe, expect, it, vi } from 'vitest'
import { createLazySipPhone } from '@/sip/lazySipPhone'
import type { SipPhoneEvents, SipPhoneOptions } from '@/sip/types'
import { RegistrationError } from '@/sip/types'
import { FakeSip } from '../fakes'

const OPTIONS: SipPhoneOptions = { server: 'ws://127.0.0.1:8088/ws', domain: 'pbx.test', iceServers: [], ringTimeoutMs: 45_000 }
const CREDENTIALS = { user: '1001', password: 'secret' }

/** A loader the test releases by hand, like a chunk still on the wire. */
function deferredLoader() {
  const real = new FakeSip()
  const created: SipPhoneOptions[] = []
  let release!: () => void
  let fail!: (error: Error) => void
  const loaded = new Promise<void>((resolve, reject) => {
    release = resolve
    fail = reject
  })
  const load = async () => {
    await loaded
    return (options: SipPhoneOptions) => {
      created.push(options)
      return real
    }
  }
  return { real, created, load, release: () => release(), fail: (error: Error) => fail(error) }
}

describe('createLazySipPhone()', () => {
  it('queues register() until sip.js is loaded, then registers with the given options', async () => {
    const loader = deferredLoader()
    const phone = createLazySipPhone(OPTIONS, loader.load)
    const states: string[] = []
    phone.on('registration', ({ state }) => states.push(state))

    const registering = phone.register(CREDENTIALS)
    await Promise.resolve()
    expect(loader.real.actions).toEqual([])

    loader.release()
    await registering

    expect(loader.created).toEqual([OPTIONS])
    expect(loader.real.actions).toEqual(['register:1001'])
    expect(states).toEqual(['registered'])
  })

  it('delivers every event of the real phone to handlers subscribed before it loaded, and stops after unsubscribe', async () => {
    const loader = deferredLoader()
    const phone = createLazySipPhone(OPTIONS, loader.load)
    const seen: Array<SipPhoneEvents['callEnded']> = []
    const off = phone.on('callEnded', payload => seen.push(payload))
    loader.release()
    await phone.register(CREDENTIALS)

    const { callId } = await phone.call('+442079460600')
    loader.real.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    off()
    loader.real.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })

    expect(loader.real.actions).toContain('call:+442079460600')
    expect(seen).toEqual([{ callId, cause: { type: 'hangup', by: 'remote' } }])
  })

  it('hands an audio element set before loading to the real phone', async () => {
    const loader = deferredLoader()
    const phone = createLazySipPhone(OPTIONS, loader.load)
    const element = document.createElement('audio')
    phone.setRemoteAudioElement(element)
    loader.release()
    await phone.register(CREDENTIALS)

    expect(loader.real.audio).toBe(element)
  })

  it('turns a failed download into a readable sign-in failure, event included', async () => {
    const loader = deferredLoader()
    const phone = createLazySipPhone(OPTIONS, loader.load)
    const failures: Array<SipPhoneEvents['registration']> = []
    phone.on('registration', payload => failures.push(payload))
    // The cause goes to the console for whoever debugs it; captured here so a green run stays quiet.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const cause = new TypeError('Failed to fetch dynamically imported module')
    loader.fail(cause)

    const error: unknown = await phone.register(CREDENTIALS).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(RegistrationError)
    expect((error as RegistrationError).failure).toEqual({ kind: 'transport', message: expect.stringContaining('reload the page') })
    expect(failures).toEqual([{ state: 'failed', failure: (error as RegistrationError).failure }])
    expect(consoleError).toHaveBeenCalledWith('[softphone] The SIP adapter could not be loaded', cause)
  })

  it('disposes the real phone even when dispose() came before it loaded', async () => {
    const loader = deferredLoader()
    const phone = createLazySipPhone(OPTIONS, loader.load)
    await phone.dispose()
    loader.release()
    await expect.poll(() => loader.real.actions).toEqual(['dispose'])
  })
})
