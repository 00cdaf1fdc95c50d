import { getCountries } from 'libphonenumber-js'
import { describe, expect, it } from 'vitest'
import { PHONE_COUNTRIES } from '@/domain/phoneCountries'
import { MAX_DIAL_STRING_LENGTH, formatPhoneForDisplay, normalizeDialString, toRegion } from '@/domain/phoneNumber'
import type { NormalizeOptions } from '@/domain/phoneNumber'

const SAFE = /^\+?[0-9]+$/

describe('normalizeDialString: accepted', () => {
  it.each<[string, string, NormalizeOptions, string, string]>([
    ['E.164', '+442079460600', {}, '+442079460600', '+44 20 7946 0600'],
    ['spaces', '+44 20 7946 0600', {}, '+442079460600', '+44 20 7946 0600'],
    ['dashes, dots, brackets', '+1 (415) 555-0100', {}, '+14155550100', '+1 415 555 0100'],
    ['dots', '+1.415.555.0100', {}, '+14155550100', '+1 415 555 0100'],
    ['leading 00', '0044 20 7946 0600', {}, '+442079460600', '+44 20 7946 0600'],
    ['leading 00 with a region whose prefix is 011', '0044 20 7946 0600', { region: 'US' }, '+442079460600', '+44 20 7946 0600'],
    ['national with region', '020 7946 0600', { region: 'GB' }, '+442079460600', '+44 20 7946 0600'],
    ['lower-case region', '020 7946 0600', { region: 'gb' }, '+442079460600', '+44 20 7946 0600'],
    ['national with default region', '(415) 555-0100', { defaultRegion: 'US' }, '+14155550100', '+1 415 555 0100'],
    ['region wins over default region', '020 7946 0600', { region: 'GB', defaultRegion: 'US' }, '+442079460600', '+44 20 7946 0600'],
    ['invalid region falls back to default', '415 555 0100', { region: 'XX', defaultRegion: 'US' }, '+14155550100', '+1 415 555 0100'],
    ['nonsense region falls back to default', '415 555 0100', { region: 'United States', defaultRegion: 'us' }, '+14155550100', '+1 415 555 0100'],
    ['+ ignores the region', '+44 20 7946 0600', { region: 'US' }, '+442079460600', '+44 20 7946 0600'],
    ['tel: prefix', 'tel:+44-20-7946-0600', {}, '+442079460600', '+44 20 7946 0600'],
    ['TEL: prefix, any case', 'TEL:+442079460600', {}, '+442079460600', '+44 20 7946 0600'],
    ['full-width digits', '＋４４ ２０ ７９４６ ０６００', {}, '+442079460600', '+44 20 7946 0600'],
    ['full-width 00', '００４４２０７９４６０６００', {}, '+442079460600', '+44 20 7946 0600'],
    ['surrounding whitespace and no-break spaces', '  +44\u00a020\u00a07946\u00a00600 ', {}, '+442079460600', '+44 20 7946 0600'],
    ['UK (0) convention', '+44 (0)20 7946 0600', {}, '+442079460600', '+44 20 7946 0600'],
    ['invisible bidi marks from copy-paste', '\u202a+44 20 7946 0600\u202c', {}, '+442079460600', '+44 20 7946 0600'],
    ['possible but not (yet) valid range', '+44 20 0000 0000', {}, '+442000000000', '+44 20 0000 0000'],
  ])('%s: %s', (_name, raw, opts, target, display) => {
    expect(normalizeDialString(raw, opts)).toEqual({ ok: true, kind: 'e164', target, display })
  })

  it.each(['10', '101', '1001', '20001', '999999'])('%s is an internal extension', (raw) => {
    expect(normalizeDialString(raw, { region: 'GB' })).toEqual({ ok: true, kind: 'extension', target: raw, display: raw })
  })

  it('treats a short number as an extension even without a region', () => {
    expect(normalizeDialString(' 1002 ', {})).toEqual({ ok: true, kind: 'extension', target: '1002', display: '1002' })
  })

  it('does not treat a short number with + as an extension', () => {
    const result = normalizeDialString('+1002', {})
    expect(result.ok && result.kind === 'extension').toBe(false)
  })
})

describe('normalizeDialString: numbers with extensions', () => {
  it.each<[string, string, string, string]>([
    ['+1 (415) 555-0123 ext. 45', '+14155550123', '45', ',45'],
    ['+1 415 555 0123 x45', '+14155550123', '45', ',45'],
    ['+1 415 555 0123 X 45', '+14155550123', '45', ',45'],
    ['+14155550123;ext=45', '+14155550123', '45', ',45'],
    ['tel:+1-415-555-0123;ext=45', '+14155550123', '45', ',45'],
    ['+14155550123,,45', '+14155550123', '45', ',,45'],
    ['+14155550123,45', '+14155550123', '45', ',45'],
    ['+1 415 555 0123 extension 45', '+14155550123', '45', ',45'],
    ['+1 415 555 0123 Ext: 45', '+14155550123', '45', ',45'],
    ['+1 415 555 0123 ext 45,,2#', '+14155550123', '452#', ',45,,2#'],
    ['020 7946 0600 x12', '+442079460600', '12', ',12'],
  ])('%s → dials %s, then keys %s (%s)', (raw, target, digits, sequence) => {
    const result = normalizeDialString(raw, { region: 'GB' })
    expect(result).toMatchObject({ ok: true, kind: 'e164', target, extension: { digits, sequence } })
    if (result.ok)
      expect(result.display).toMatch(new RegExp(` ext\\. ${digits.replace(/[*#]/g, '\\$&')}$`))
  })

  it('shows the extension after the main number', () => {
    expect(normalizeDialString('+1 415 555 0123 x45')).toEqual({
      ok: true, kind: 'e164', target: '+14155550123', display: '+1 415 555 0123 ext. 45', extension: { digits: '45', sequence: ',45' },
    })
  })

  it('a plain number has no extension', () => {
    expect(normalizeDialString('+14155550123')).not.toHaveProperty('extension')
  })
})

describe('normalizeDialString: refused', () => {
  it.each<[string, unknown, NormalizeOptions, RegExp]>([
    ['undefined', undefined, {}, /^No phone number was given\.$/],
    ['null', null, {}, /^No phone number was given\.$/],
    ['a number value', 442079460600, {}, /^That is not a phone number\.$/],
    ['an object', { phoneNumber: '+44' }, {}, /^That is not a phone number\.$/],
    ['empty', '', {}, /^No phone number was given\.$/],
    ['blank', '   ', {}, /^No phone number was given\.$/],
    ['a word', 'hello', {}, /^“hello” is not a phone number\.$/],
    ['letters mixed in', '+44 20 7946 0600 call 12', {}, /is not a phone number/],
    ['an extension glued on with * (dialed as one string it reaches another number)', '+14382663913*227', {}, /^“\+14382663913\*227” has a \* in it, which a phone number cannot have\. If the digits after it are an extension, write “ext\. 227”\.$/],
    ['a * with spaces', '+1 438 266 3913 * 227', {}, /has a \* in it/],
    ['an extension with URI parameters after it', '+14155550123;ext=45;transport=tcp', {}, /characters such as @/],
    ['an extension with letters', '+14155550123 x45abc', {}, /is not a phone number/],
    ['an extension with no digits', '+14155550123 ext.', {}, /is not a phone number/],
    ['an extension that is too long', `+14155550123 x${'1'.repeat(17)}`, {}, /extension that is too long/],
    ['an extension on an impossible number', '+1 415 x45', {}, /not a possible phone number/],
    ['vanity letters', '1-800-FLOWERS', {}, /is not a phone number/],
    ['a SIP URI', 'sip:1001@evil.example.com', {}, /characters such as @/],
    ['an @', '1001@pbx', {}, /characters such as @/],
    ['URI parameters', '+442079460600;user=phone', {}, /characters such as @/],
    ['URI headers', '+442079460600?X-Foo=bar', {}, /characters such as @/],
    ['angle brackets', '<+442079460600>', {}, /characters such as @/],
    ['a colon', '+44:2079460600', {}, /characters such as @/],
    ['CR/LF header injection', '+442079460600\r\nVia: x', {}, /control characters/],
    ['a tab', '+44\t2079460600', {}, /control characters/],
    ['a NUL', '+44\u00002079460600', {}, /control characters/],
    ['+ in the middle', '44+2079460600', {}, /use digits, spaces/],
    ['a hash', '+442079460600#', {}, /use digits, spaces/],
    ['a star code', '*67 415 555 0100', {}, /use digits, spaces/],
    ['a single digit', '7', {}, /too short/],
    ['national number without region', '020 7946 0600', {}, /has no country code\. Dial it with \+ and the country code/],
    ['national number with only invalid regions', '020 7946 0600', { region: 'ZZ', defaultRegion: 'nope' }, /has no country code/],
    ['too few digits for the region', '020 79', { region: 'GB' }, /^“020 79” is not a possible phone number for GB: check the number of digits\.$/],
    ['too many digits', '+44 20 7946 0600 1234 5678', {}, /not a possible phone number/],
    ['unknown country calling code', '+999 1234567', {}, /not a possible phone number/],
    ['only punctuation', '(-)', {}, /^“\(-\)” has no digits in it\.$/],
  ])('%s', (_name, raw, opts, message) => {
    const result = normalizeDialString(raw, opts)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toMatch(message)
  })

  it('says which region it assumed when a national number has too few digits', () => {
    expect(normalizeDialString('415 555', { defaultRegion: 'US' })).toEqual({
      ok: false,
      message: '“415 555” is not a possible phone number for US: check the number of digits.',
    })
  })

  it(`refuses more than ${MAX_DIAL_STRING_LENGTH} characters, saying so, without echoing it all`, () => {
    const raw = '1'.repeat(10_000)
    const result = normalizeDialString(raw, { region: 'GB' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toMatch(/too long to be a phone number \(10000 characters, at most 64\)/)
    expect(result.message.length).toBeLessThan(120)
  })

  it('accepts exactly the maximum length when the number is fine', () => {
    const raw = `+44 20 7946 0600${' '.repeat(MAX_DIAL_STRING_LENGTH - 16)}`
    expect(raw).toHaveLength(MAX_DIAL_STRING_LENGTH)
    expect(normalizeDialString(raw, {})).toMatchObject({ ok: true, target: '+442079460600' })
  })

  it('never puts control characters from the input into the message', () => {
    const result = normalizeDialString('\r\n+44\n', {})
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).not.toMatch(/[\r\n]/)
  })
})

describe('normalizeDialString: the target is always + and digits', () => {
  const parts = ['+', '00', '0', '1', '44', '20', '7946', '0600', '415', '555', ' ', '-', '.', '(', ')', 'tel:',
    '@', ';', '?', '=', ':', '<', '>', 'a', 'x', '\n', '\r', '\t', '\u0000', '＋', '４', '#', '*', ',', '/', '\\', '%0A', '"', '\'', '\u202e']
  const regions: NormalizeOptions[] = [{}, { region: 'GB' }, { region: 'us' }, { defaultRegion: 'DE' }, { region: 'XX', defaultRegion: 'FR' }]

  // Deterministic pseudo-random inputs: a test that fails must fail the same way next time.
  function* inputs(count: number): Generator<string> {
    let seed = 20240601
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed
    }
    for (let i = 0; i < count; i++) {
      const length = 1 + (next() % 12)
      let s = ''
      for (let j = 0; j < length; j++) s += parts[next() % parts.length] ?? ''
      yield s
    }
  }

  it('holds over thousands of generated inputs', () => {
    let accepted = 0
    for (const raw of inputs(4000)) {
      for (const opts of regions) {
        const result = normalizeDialString(raw, opts)
        if (!result.ok) {
          expect(result.message.length).toBeGreaterThan(0)
          continue
        }
        accepted++
        expect(result.target, JSON.stringify(raw)).toMatch(SAFE)
        if (result.extension) expect(result.extension.sequence, JSON.stringify(raw)).toMatch(/^,[0-9*#,]*$/)
        if (result.kind === 'e164') expect(result.target.startsWith('+')).toBe(true)
      }
    }
    // The generator must actually produce dialable numbers, or this test proves nothing.
    expect(accepted).toBeGreaterThan(200)
  })

  it.each([
    '+44 20 7946 0600', '0044 (20) 7946-0600', '1001', 'tel:+1-415-555-0100', '＋１ ４１５ ５５５ ０１００', '+442079460600;ext=1',
    'sip:+442079460600@x', '+44 20 7946 0600\r\n', '+1 (415) 555-0100 x1',
  ])('%s', (raw) => {
    const result = normalizeDialString(raw, { region: 'GB' })
    if (result.ok) expect(result.target).toMatch(SAFE)
  })
})

describe('toRegion', () => {
  it.each<[string | undefined, string | undefined]>([
    ['GB', 'GB'], ['gb', 'GB'], [' us ', 'US'], ['XX', undefined], ['USA', undefined], ['', undefined], [undefined, undefined], ['1A', undefined],
  ])('%s → %s', (code, region) => {
    expect(toRegion(code)).toBe(region)
  })

  it('knows exactly the regions libphonenumber-js has rules for (checked before the library loads)', () => {
    expect([...PHONE_COUNTRIES].sort()).toEqual([...getCountries()].sort())
  })
})

describe('formatPhoneForDisplay', () => {
  it.each([
    ['+442079460600', '+44 20 7946 0600'],
    ['+14155550100', '+1 415 555 0100'],
    ['1001', '1001'],
    ['+999', '+999'],
    ['', ''],
  ])('%s → %s', (number, display) => {
    expect(formatPhoneForDisplay(number)).toBe(display)
  })
})
