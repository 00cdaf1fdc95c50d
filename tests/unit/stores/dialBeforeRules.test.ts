/**
 * The phone number rules (libphonenumber-js) load after the first paint. A dial HubSpot sends
 * before they are there waits for them instead of being refused; if they cannot be loaded, a
 * full number is refused with a sentence HubSpot and the agent read, and an extension still dials.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { t } from '@/i18n'
import { useCallStore } from '@/stores/call'
import type { Harness } from '../fakes'
import { signedInHarness } from './signedIn'

/** Holds the rules back (`held`) or makes their load fail (`fail`); `loaded` is what the store sees. */
const rules = vi.hoisted(() => ({ held: null as Promise<void> | null, fail: false, loaded: true }))

vi.mock('@/domain/phoneNumberRules', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/domain/phoneNumberRules')>()
  return {
    phoneNumberRules: () => (rules.loaded ? real.phoneNumberRules() : undefined),
    loadPhoneNumberRules: async () => {
      if (rules.held)
        await rules.held
      if (rules.fail)
        throw new Error('Failed to fetch dynamically imported module')
      const library = await real.loadPhoneNumberRules()
      rules.loaded = true
      return library
    },
  }
})

afterEach(() => {
  Object.assign(rules, { held: null, fail: false, loaded: true })
})

const signedIn = (): Promise<Harness> => signedInHarness('1001')

describe('a dial before the phone number rules are loaded', () => {
  it('waits for them, then dials: nothing refused, one INVITE', async () => {
    const h = await signedIn()
    const call = useCallStore()
    rules.loaded = false
    let release!: () => void
    rules.held = new Promise<void>((resolve) => { release = resolve })
    h.hubspot.emit('dialNumber', { request: { phoneNumber: '020 7946 0600', countryCode: 'GB' } })
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(h.sip.actions).toEqual([])
    expect(h.hubspot.sent).toEqual([])
    release()
    await vi.waitFor(() => expect(h.sip.actions).toEqual(['call:+442079460600']))
    expect(call.phase).toBe('calling')
    expect(call.call?.display).toBe('+44 20 7946 0600')
  })

  it('when they cannot be loaded: a full number is refused with a sentence, an extension still dials', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = await signedIn()
    const call = useCallStore()
    rules.loaded = false
    rules.fail = true
    expect(await call.dial('+44 20 7946 0600', { fromHubSpot: true })).toBe(false)
    expect(h.sip.actions).toEqual([])
    expect(h.hubspot.sent).toEqual([{ type: 'sendError', data: { message: t('number.rulesMissing') } }])
    expect(call.phase).toBe('idle')
    expect(await call.dial('1002', { fromHubSpot: false })).toBe(true)
    expect(h.sip.actions).toEqual(['call:1002'])
  })
})
