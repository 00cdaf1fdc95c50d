/**
 * Numbers and lists in the agent's locale (`currentLocale()`), by `Intl` alone: every number,
 * unit and list the softphone shows goes through here or through `@/domain/duration`.
 */
import { currentLocale } from '@/i18n'
import { listFormat, numberFormat } from '@/i18n/intlCache'

/** "5 s" / de "5 Sek." / fr "5 s": a count of seconds (`Intl.NumberFormat`, unit `second`, short). */
export function formatSeconds(seconds: number): string {
  return numberFormat(currentLocale(), { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 0 }).format(seconds)
}

/** "12 ms", "1.2 ms" / de "1,2 ms": milliseconds with `fractionDigits` decimals. */
export function formatMilliseconds(ms: number, fractionDigits = 0): string {
  return numberFormat(currentLocale(), {
    style: 'unit', unit: 'millisecond', unitDisplay: 'short',
    minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits,
  }).format(ms)
}

/** A fraction 0–1 as a percentage: one decimal under 10 % ("1.2%", de "1,2 %"), whole above, "0%" for none. */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100
  const digits = percent > 0 && percent < 10 ? 1 : 0
  return numberFormat(currentLocale(), { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction)
}

/** A decimal number with exactly `fractionDigits` decimals ("4.4", de "4,4"). */
export function formatDecimal(value: number, fractionDigits: number): string {
  return numberFormat(currentLocale(), { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }).format(value)
}

/** "a, b and c" / de "a, b und c" (`Intl.ListFormat`, conjunction). */
export function formatList(items: readonly string[]): string {
  return listFormat(currentLocale(), { style: 'long', type: 'conjunction' }).format(items)
}
