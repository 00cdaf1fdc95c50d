import { describe, expect, it } from 'vitest'
import { formatDuration, formatDurationWords } from '@/domain/duration'

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0:00'],
    [999, '0:00'],
    [1_000, '0:01'],
    [7_000, '0:07'],
    [7_999, '0:07'],
    [59_999, '0:59'],
    [60_000, '1:00'],
    [65_000, '1:05'],
    [10 * 60_000 + 30_000, '10:30'],
    [3_599_999, '59:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
    [36_000_000 + 61_000, '10:01:01'],
    [-1, '0:00'],
    [-65_000, '0:00'],
    [Number.NaN, '0:00'],
    [Number.POSITIVE_INFINITY, '0:00'],
    [Number.NEGATIVE_INFINITY, '0:00'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms, 'en')).toBe(text)
  })

  it('writes the digits of the locale it is given, with no grouping in long calls', () => {
    expect(formatDuration(3_723_000, 'de')).toBe('1:02:03')
    expect(formatDuration(36_000_000 * 100 + 61_000, 'en')).toBe('1000:01:01')
    // Arabic-Indic digits where the locale asks for them: the digits are Intl's, not ours.
    expect(formatDuration(65_000, 'ar-EG')).toBe('١:٠٥')
  })
})

describe('formatDurationWords', () => {
  it.each<[string, number, string]>([
    ['en', 65_000, '1 minute, 5 seconds'],
    ['en', 3_723_000, '1 hour, 2 minutes, 3 seconds'],
    ['en', 3_600_000, '1 hour'],
    ['en', 500, '0 seconds'],
    ['de', 65_000, '1 Minute, 5 Sekunden'],
    ['fr', 65_000, '1 minute et 5 secondes'],
    ['es', 65_000, '1 minuto y 5 segundos'],
  ])('%s: %d ms → %s', (locale, ms, text) => {
    // French puts a no-break space between a number and its unit.
    expect(formatDurationWords(ms, locale).replace(/\u00a0/g, ' ')).toBe(text)
  })
})
