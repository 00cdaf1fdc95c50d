import { describe, expect, it } from 'vitest'
import { listFormat, numberFormat } from '@/i18n/intlCache'

describe('intlCache', () => {
  it('builds a formatter once per locale and options', () => {
    const a = numberFormat('en', { minimumIntegerDigits: 2, useGrouping: false })
    expect(numberFormat('en', { minimumIntegerDigits: 2, useGrouping: false })).toBe(a)
    expect(numberFormat('de', { minimumIntegerDigits: 2, useGrouping: false })).not.toBe(a)
    expect(numberFormat('en', { minimumIntegerDigits: 3, useGrouping: false })).not.toBe(a)
    expect(listFormat('en', { type: 'unit' })).toBe(listFormat('en', { type: 'unit' }))
  })

  it('formats as the constructor would', () => {
    expect(numberFormat('de', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(4.44)).toBe('4,4')
    expect(listFormat('en', { style: 'long', type: 'conjunction' }).format(['a', 'b', 'c'])).toBe('a, b, and c')
  })

  it('throws for a malformed locale, as the constructor does, and caches nothing for it', () => {
    expect(() => numberFormat('not a locale')).toThrow(RangeError)
    expect(() => numberFormat('not a locale')).toThrow(RangeError)
  })

  it('stays bounded: after many option sets it starts over and still formats', () => {
    const first = numberFormat('en', { maximumFractionDigits: 0 })
    for (let i = 0; i < 300; i++)
      numberFormat('en', { minimumIntegerDigits: (i % 21) + 1, maximumFractionDigits: Math.floor(i / 21) })
    const again = numberFormat('en', { maximumFractionDigits: 0 })
    expect(again).not.toBe(first)
    expect(again.format(3.7)).toBe('4')
  })
})
