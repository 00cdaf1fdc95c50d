/**
 * The catalogues agree with English key for key: a locale with a missing key would show English
 * in the middle of a German screen (vue-i18n falls back silently), an extra key is a typo'd or
 * stale one. Each translation keeps en's parameters (a dropped `{why}` hides the reason), its
 * plural branches, and compiles (vue-i18n's message syntax: a stray `@`, `|`, `{` breaks it).
 */
import { compile } from '@intlify/core-base'
import { describe, expect, it } from 'vitest'
import { SUPPORTED_LOCALES } from '@/domain/locale'
import de from '@/i18n/locales/de'
import en_ from '@/i18n/locales/en'
import es from '@/i18n/locales/es'
import fr from '@/i18n/locales/fr'

const CATALOGUES = { en: en_, de, fr, es }

type Tree = { readonly [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string')
      out.set(path, value)
    else
      for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

/** The named parameters of a message, e.g. `{why}` → `why` (literals such as `{'@'}` are not parameters). */
const params = (message: string): string[] => [...new Set([...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map(m => m[1]!))].sort()
const branches = (message: string): number => message.split(' | ').length

const en = flatten(CATALOGUES.en as unknown as Tree)

describe.each(SUPPORTED_LOCALES.filter(l => l !== 'en'))('the %s catalogue', (locale) => {
  const messages = flatten(CATALOGUES[locale] as unknown as Tree)

  it('has every key of en and no other', () => {
    expect([...messages.keys()].filter(k => !en.has(k))).toEqual([])
    expect([...en.keys()].filter(k => !messages.has(k))).toEqual([])
  })

  it('keeps each message\'s parameters and plural branches', () => {
    const differ = [...en].filter(([key, source]) => {
      const translated = messages.get(key) ?? ''
      return params(translated).join() !== params(source).join() || branches(translated) !== branches(source)
    }).map(([key]) => key)
    expect(differ).toEqual([])
  })

  it('is translated, not copied: most messages differ from English', () => {
    const same = [...en].filter(([key, source]) => messages.get(key) === source && /\p{L}{4,}/u.test(source)).map(([key]) => key)
    // A few are the same word in both languages (e.g. "Notes" in French); a copied section is not.
    expect(same.length).toBeLessThan(en.size * 0.05)
  })
})

describe.each(SUPPORTED_LOCALES)('the %s messages', (locale) => {
  it('all compile with vue-i18n\'s message compiler', () => {
    const broken: string[] = []
    for (const [key, message] of flatten(CATALOGUES[locale] as unknown as Tree)) {
      compile(message, { key, locale, onError: () => { broken.push(key) }, warnHtmlMessage: false })
    }
    expect(broken).toEqual([])
  })
})
