import { describe, expect, it } from 'vitest'
import { negotiateLocale, supportedLocaleOf } from '@/domain/locale'

describe('negotiateLocale (navigator.languages → the catalogue to show)', () => {
  it.each<[string[], string]>([
    [['de-DE', 'en-US'], 'de'],
    [['de-CH'], 'de'],
    [['fr-CA', 'fr'], 'fr'],
    [['es-419'], 'es'],
    [['it-IT', 'es-ES', 'de'], 'es'],
    [['en-GB', 'de'], 'en'],
    [['pt-BR', 'ja'], 'en'],
    [[], 'en'],
    [['not a tag', 'fr'], 'fr'],
  ])('%j → %s', (languages, locale) => {
    expect(negotiateLocale(languages)).toBe(locale)
  })
})

describe('supportedLocaleOf', () => {
  it('takes the language of a regional tag, whatever its case', () => {
    expect(supportedLocaleOf('DE-at')).toBe('de')
  })
  it('is null for a language without a catalogue and for what is not a tag', () => {
    expect(supportedLocaleOf('it')).toBeNull()
    expect(supportedLocaleOf('de_DE')).toBeNull()
    expect(supportedLocaleOf('')).toBeNull()
  })
})
