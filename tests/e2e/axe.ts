/**
 * Accessibility checks with axe-core (Deque's rules engine) inside the softphone's frame:
 * WCAG 2.0/2.1/2.2 A and AA, axe's best practices, and WCAG 2.5.3 Label in Name (an axe
 * rule still marked experimental, so switched on by name).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Frame } from 'playwright-core'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string, summary: string }[]
}

/** Runs axe-core on the frame's whole document and returns its violations (none: []). */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  // Through the DevTools protocol, so the page's Content-Security-Policy does not apply to it.
  if (!await frame.evaluate(() => 'axe' in window))
    await frame.evaluate(axeSource)
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
    const result = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } }, resultTypes: ['violations'] })
    return result.violations.map(v => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }))
  })
}

/** The violations as lines a person can act on: "screen: rule (impact) help\n  selector: why". */
export function describeViolations(screen: string, violations: readonly AxeViolation[]): string {
  return violations.map(v => `${screen}: ${v.id} (${v.impact}) ${v.help}\n${v.nodes.map(n => `  ${n.target}: ${n.summary}`).join('\n')}`).join('\n')
}
