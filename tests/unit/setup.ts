import { config } from '@vue/test-utils'
import { afterEach } from 'vitest'

// The unit run fails on any Vue warning: a warning is a bug we have not fixed yet.
const warnings: string[] = []
config.global.config.warnHandler = (msg, _instance, trace) => {
  warnings.push(`${msg}${trace}`)
}

afterEach(() => {
  if (warnings.length > 0) {
    const all = warnings.splice(0).join('\n')
    throw new Error(`Unexpected Vue warning(s):\n${all}`)
  }
})
