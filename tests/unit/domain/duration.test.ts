import { describe, expect, it } from 'vitest'
import { formatDuration } from '@/domain/duration'

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
    expect(formatDuration(ms)).toBe(text)
  })
})
