import { config } from '@vue/test-utils'

/**
 * Collects every Vue warning of the unit run; setup.ts fails the test that
 * produced any. Apps mounted by test-utils report through warnHandler, any
 * other app through console.warn (see setup.ts).
 */
const warnings: string[] = []

config.global.config.warnHandler = (msg, _instance, trace) => {
  warnings.push(`${msg}${trace}`)
}

export function recordWarning(text: string): void {
  warnings.push(text)
}

/** Takes (and clears) the warnings recorded so far. */
export function takeVueWarnings(): string[] {
  return warnings.splice(0)
}
