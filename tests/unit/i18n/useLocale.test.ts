import { describe, expect, it } from 'vitest'
import { currentLocale, t, useLocale } from '@/i18n'

describe('useLocale', () => {
  it('loads a catalogue when it is chosen and switches every text and <html lang> to it', async () => {
    expect(t('call.hangUp')).toBe('Hang up')
    expect(await useLocale('de')).toBe(true)
    expect(currentLocale()).toBe('de')
    expect(document.documentElement.lang).toBe('de')
    expect(t('call.hangUp')).toBe('Auflegen')
    expect(await useLocale('fr')).toBe(true)
    expect(t('call.hangUp')).toBe('Raccrocher')
    expect(await useLocale('es')).toBe(true)
    expect(t('call.hangUp')).toBe('Colgar')
    expect(await useLocale('en')).toBe(true)
    expect(t('call.hangUp')).toBe('Hang up')
  })
})
