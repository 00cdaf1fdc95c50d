/**
 * The catalogues agree with English key for key: a locale with a missing key would show English
 * in the middle of a German screen (vue-i18n falls back silently), an extra key is a typo'd or
 * stale one. Each translation keeps en's parameters (a dropped `{why}` hides the reason), its
 * plural branches, and compiles (vue-i18n's message syntax: a stray `@`, `|`, `{` breaks it).
 * The checks read each catalogue as written (`catalogueSource`); what the app imports is the
 * build's compiled form, checked last: the browser has no compiler for a message left a string.
 */
import { describe, expect, it } from 'vitest'
import { SUPPORTED_LOCALES } from '@/domain/locale'
import de from '@/i18n/locales/de'
import en_ from '@/i18n/locales/en'
import es from '@/i18n/locales/es'
import fr from '@/i18n/locales/fr'
import { catalogueSource, compileMessage, flatten } from './catalogueSource'
import type { Tree } from './catalogueSource'

/** What the app imports: the build's output for each catalogue. */
const IMPORTED = { en: en_, de, fr, es }
const CATALOGUES = Object.fromEntries(SUPPORTED_LOCALES.map(locale => [locale, catalogueSource(locale)])) as Record<typeof SUPPORTED_LOCALES[number], Tree>

/** The named parameters of a message, e.g. `{why}` → `why` (literals such as `{'@'}` are not parameters). */
const params = (message: string): string[] => [...new Set([...message.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map(m => m[1]!))].sort()
const branches = (message: string): number => message.split(' | ').length

const en = flatten(CATALOGUES.en)

describe.each(SUPPORTED_LOCALES.filter(l => l !== 'en'))('the %s catalogue', (locale) => {
  const messages = flatten(CATALOGUES[locale])

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
    const broken = [...flatten(CATALOGUES[locale])].filter(([, message]) => compileMessage(message).errors.length > 0).map(([key]) => key)
    expect(broken).toEqual([])
  })

  it('reach the app compiled: every message the app imports is a message AST, none a string to compile', () => {
    const leaves = (tree: object, prefix = ''): [string, unknown][] => Object.entries(tree).flatMap(([key, value]: [string, unknown]) => {
      const path = prefix ? `${prefix}.${key}` : key
      const isAst = typeof value === 'object' && value !== null && ('type' in value || 't' in value)
      return isAst || typeof value !== 'object' || value === null ? [[path, value]] : leaves(value, path)
    })
    const imported = leaves(IMPORTED[locale])
    expect(imported.map(([key]) => key)).toEqual([...flatten(CATALOGUES[locale]).keys()])
    expect(imported.filter(([, value]) => typeof value !== 'object').map(([key]) => key)).toEqual([])
  })
})
