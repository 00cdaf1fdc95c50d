/**
 * libphonenumber-js loads after the first paint (src/domain/phoneNumberRules.ts). Before it is
 * there, or when it could not be loaded: a full number is refused with a message the agent can
 * act on (nothing dialed), an extension still dials, numbers are shown as they are, and the call
 * store's dial waits for the rules instead of refusing a number HubSpot sent while they load.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.doUnmock('@/domain/phoneNumberLibrary')
  vi.resetModules()
})

/** A fresh copy of the modules, with no rules loaded yet (the setup file loaded the shared copy). */
async function fresh() {
  vi.resetModules()
  const rules = await import('@/domain/phoneNumberRules')
  const phone = await import('@/domain/phoneNumber')
  const { t } = await import('@/i18n')
  return { ...rules, ...phone, t }
}

describe('before the phone number rules are loaded', () => {
  it('refuses a full number with a sentence, dials an extension, shows numbers as they are', async () => {
    const { phoneNumberRules, normalizeDialString, formatPhoneForDisplay, toRegion, t } = await fresh()
    expect(phoneNumberRules()).toBeUndefined()
    expect(normalizeDialString('+44 20 7946 0600')).toEqual({ ok: false, message: t('number.rulesMissing') })
    expect(normalizeDialString('020 7946 0600', { region: 'GB' })).toEqual({ ok: false, message: t('number.rulesMissing') })
    expect(normalizeDialString('1002')).toEqual({ ok: true, kind: 'extension', target: '1002', display: '1002' })
    // Refusals that need no rules still say what is wrong with the number.
    expect(normalizeDialString('100@evil.example')).toMatchObject({ ok: false, message: expect.not.stringContaining(t('number.rulesMissing')) })
    expect(formatPhoneForDisplay('+442079460600')).toBe('+442079460600')
    expect(toRegion('gb')).toBe('GB')
  })

  it('loads them once, after which full numbers normalize', async () => {
    const { loadPhoneNumberRules, phoneNumberRules, normalizeDialString, formatPhoneForDisplay } = await fresh()
    const first = loadPhoneNumberRules()
    expect(loadPhoneNumberRules()).toBe(first)
    await first
    expect(phoneNumberRules()).toBeDefined()
    expect(normalizeDialString('+44 20 7946 0600')).toMatchObject({ ok: true, target: '+442079460600', display: '+44 20 7946 0600' })
    expect(formatPhoneForDisplay('+442079460600')).toBe('+44 20 7946 0600')
  })

  it('a failed load can be tried again', async () => {
    let fail = true
    vi.doMock('@/domain/phoneNumberLibrary', async (original) => {
      if (fail)
        throw new Error('chunk failed to load')
      return original()
    })
    const { loadPhoneNumberRules, phoneNumberRules } = await fresh()
    await expect(loadPhoneNumberRules()).rejects.toThrow()
    expect(phoneNumberRules()).toBeUndefined()
    fail = false
    await loadPhoneNumberRules()
    expect(phoneNumberRules()).toBeDefined()
  })
})
