/**
 * Call durations as text, formatted by `Intl` in the locale the caller passes (a BCP 47 tag).
 * Lives here rather than in a component so the running timer and the wrap-up summary can
 * never disagree about rounding. Whole seconds, rounded down; garbage counts as 0.
 */

import { listFormat, numberFormat } from '@/i18n/intlCache'

interface Parts { hours: number, minutes: number, seconds: number }

function parts(ms: number): Parts {
  const totalSeconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0
  return {
    hours: Math.floor(totalSeconds / 3600),
    minutes: Math.floor((totalSeconds % 3600) / 60),
    seconds: totalSeconds % 60,
  }
}

/**
 * The timer's digital form: m:ss, or h:mm:ss from one hour, the digits in the locale's
 * numbering system (`Intl.NumberFormat`). The colon is the time separator of every locale
 * the softphone speaks (en, de, fr, es).
 */
export function formatDuration(ms: number, locale: string): string {
  const { hours, minutes, seconds } = parts(ms)
  const plain = numberFormat(locale, { useGrouping: false })
  const two = numberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false })
  if (hours > 0)
    return `${plain.format(hours)}:${two.format(minutes)}:${two.format(seconds)}`
  return `${plain.format(minutes)}:${two.format(seconds)}`
}

/**
 * The same duration in words for screen readers ("1 minute, 5 seconds"; de "1 Minute,
 * 5 Sekunden"): each unit by `Intl.NumberFormat` (style `unit`, long), joined by
 * `Intl.ListFormat` (type `unit`). Zero units are left out; under a second reads "0 seconds".
 */
export function formatDurationWords(ms: number, locale: string): string {
  const { hours, minutes, seconds } = parts(ms)
  const unit = (value: number, name: 'hour' | 'minute' | 'second'): string =>
    numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value)
  const words: string[] = []
  if (hours > 0) words.push(unit(hours, 'hour'))
  if (minutes > 0) words.push(unit(minutes, 'minute'))
  if (seconds > 0 || words.length === 0) words.push(unit(seconds, 'second'))
  return listFormat(locale, { style: 'long', type: 'unit' }).format(words)
}
