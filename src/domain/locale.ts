/**
 * The languages the softphone speaks and how one is picked. Pure: the caller passes the
 * browser's preferences (`navigator.languages`, BCP 47 tags in the user's order).
 */

/** Every locale with a full catalogue in `src/i18n/locales/`. English is the source and the fallback. */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es'] as const
export type AppLocale = typeof SUPPORTED_LOCALES[number]
export const DEFAULT_LOCALE: AppLocale = 'en'

export function isSupportedLocale(value: string): value is AppLocale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

/**
 * The supported locale a BCP 47 tag asks for, by its language subtag (`de-AT` → `de`,
 * `fr-CA` → `fr`, `EN-gb` → `en`); null for a tag we have no catalogue for or that is not a tag.
 */
export function supportedLocaleOf(tag: string): AppLocale | null {
  let language: string
  try {
    language = new Intl.Locale(tag.trim()).language
  }
  catch {
    return null
  }
  return isSupportedLocale(language) ? language : null
}

/**
 * The best match for the browser's preferred languages (`navigator.languages`, most wanted
 * first): the first one whose language we have; English when none is.
 */
export function negotiateLocale(preferred: readonly string[]): AppLocale {
  for (const tag of preferred) {
    const match = supportedLocaleOf(tag)
    if (match)
      return match
  }
  return DEFAULT_LOCALE
}
