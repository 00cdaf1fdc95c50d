import { afterEach, beforeEach, vi } from 'vitest'
import { recordWarning, takeVueWarnings } from './vueWarnings'

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
