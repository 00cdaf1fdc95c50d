import { describe, expect, it } from 'vitest'
import { DTMF_KEYS, dtmfFrequencies, dtmfKeyFromKeyboard, isDtmfKey, MAX_DTMF_TONES, normalizeDtmf } from '@/domain/dtmf'

describe('isDtmfKey', () => {
  it.each([...'0123456789*#ABCD'])('%s is a key', (key) => {
    expect(isDtmfKey(key)).toBe(true)
  })
  it.each(['a', 'E', '', '12', ' ', '+', 'ß', '١', null, 5, undefined])('%j is not', (value) => {
    expect(isDtmfKey(value)).toBe(false)
  })
})

describe('normalizeDtmf', () => {
  it('upper-cases and accepts a whole string of tones', () => {
    expect(normalizeDtmf('12ab*#')).toBe('12AB*#')
  })
  it.each([['empty', ''], ['a space', '1 2'], ['CRLF injection', '1\r\nSignal=9'], ['a letter past D', '1E'], ['too long', '1'.repeat(MAX_DTMF_TONES + 1)], ['not text', 12]])('refuses %s', (_what, value) => {
    expect(normalizeDtmf(value)).toBeNull()
  })
  it('accepts exactly the maximum', () => {
    expect(normalizeDtmf('9'.repeat(MAX_DTMF_TONES))).toHaveLength(MAX_DTMF_TONES)
  })
})

describe('dtmfKeyFromKeyboard', () => {
  it.each([...'0123456789*#'])('%s types that key', (key) => {
    expect(dtmfKeyFromKeyboard(key)).toBe(key)
  })
  it.each(['a', 'A', 'Enter', 'Numpad1', 'F1', ' ', '+'])('%s is not a keypad key', (key) => {
    expect(dtmfKeyFromKeyboard(key)).toBeNull()
  })
})

describe('dtmfFrequencies (ITU-T Q.23)', () => {
  it.each<[string, number, number]>([
    ['1', 697, 1209], ['5', 770, 1336], ['9', 852, 1477], ['0', 941, 1336], ['*', 941, 1209], ['#', 941, 1477], ['A', 697, 1633], ['D', 941, 1633],
  ])('%s = %i + %i Hz', (key, low, high) => {
    expect(dtmfFrequencies(key as typeof DTMF_KEYS[number])).toEqual([low, high])
  })
  it('gives every key a distinct pair', () => {
    const pairs = new Set(DTMF_KEYS.map(k => dtmfFrequencies(k).join('+')))
    expect(pairs.size).toBe(16)
  })
})
