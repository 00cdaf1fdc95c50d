import { config } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { loadPhoneNumberRules } from '@/domain/phoneNumberRules'
import { i18n, setLocale } from '@/i18n'
import { recordWarning, takeVueWarnings } from './vueWarnings'

// Every mounted component gets the app's one catalogue, as main.ts installs it; tests read English
// unless they switch the locale (and are put back to English after each test).
config.global.plugins.push(i18n)
afterEach(() => setLocale('en'))

// The phone number rules, as main.ts loads them right after the first paint (their absence:
// tests/unit/domain/phoneNumberRules.test.ts).
beforeAll(() => loadPhoneNumberRules())

// The unit run fails on any Vue warning: a warning is a bug we have not fixed yet.
beforeEach(() => {
  const original = console.warn.bind(console)
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[Vue warn]'))
      recordWarning(args.map(String).join(' '))
    else
      original(...args)
  })
})

afterEach(() => {
  const warnings = takeVueWarnings()
  if (warnings.length > 0)
    throw new Error(`Unexpected Vue warning(s):\n${warnings.join('\n')}`)
})
