/**
 * The one message catalogue (vue-i18n, Composition API mode) and the locale the agent sees.
 * Components use `useI18n()` (the instance is installed once in main.ts); stores, the SIP
 * adapter and the domain's texts use `t` from here, so a notice, an error or an end reason
 * is written in the agent's language when it is made. The locale is chosen once at start
 * (`chooseLocale`): the `locale` setting, else the browser's languages, else English.
 *
 * English is in the first bundle (it is the source and the fallback of every key); the other
 * catalogues are separate chunks, loaded only when chosen (`useLocale`), so an English agent
 * downloads none of them and a German one only German.
 */
import { createI18n } from 'vue-i18n'
import { type AppLocale, DEFAULT_LOCALE, negotiateLocale, SUPPORTED_LOCALES } from '@/domain/locale'
import en, { type MessageSchema } from '@/i18n/locales/en'

const LOADERS: Readonly<Record<Exclude<AppLocale, 'en'>, () => Promise<{ default: MessageSchema }>>> = {
  de: () => import('@/i18n/locales/de'),
  fr: () => import('@/i18n/locales/fr'),
  es: () => import('@/i18n/locales/es'),
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { en } as Record<AppLocale, MessageSchema>,
})

const loading = new Map<AppLocale, Promise<void>>()

/** Loads `locale`'s catalogue once (English is always there); rejects if its chunk cannot be loaded. */
export function loadCatalogue(locale: AppLocale): Promise<void> {
  if (locale === 'en')
    return Promise.resolve()
  let pending = loading.get(locale)
  if (!pending) {
    pending = LOADERS[locale]().then((module) => {
      i18n.global.setLocaleMessage(locale, module.default)
    })
    // A failed load may be tried again later (the network came back).
    pending.catch(() => loading.delete(locale))
    loading.set(locale, pending)
  }
  return pending
}

/**
 * Loads `locale`'s catalogue and switches every text to it. When the catalogue cannot be
 * loaded the softphone stays in English (it must never be unusable for want of a
 * translation) and this resolves to `false`.
 */
export async function useLocale(locale: AppLocale): Promise<boolean> {
  try {
    await loadCatalogue(locale)
  }
  catch {
    setLocale(DEFAULT_LOCALE)
    return false
  }
  setLocale(locale)
  return true
}

/** Translates a catalogue key in the current locale (vue-i18n's global `t`). */
export const t = i18n.global.t

/** The current locale, as a BCP 47 language tag for `Intl` and `<html lang>`. */
export function currentLocale(): string {
  return i18n.global.locale.value
}

/** Switches every text and `<html lang>` to `locale`, whose catalogue must be loaded (`useLocale` does both). */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  if (typeof document !== 'undefined')
    document.documentElement.lang = locale
}

/**
 * The agent's locale: the `locale` setting when there is one, else the best match for the
 * browser's languages (`navigator.languages`), else English.
 */
export function chooseLocale(setting: AppLocale | undefined, preferred: readonly string[]): AppLocale {
  return setting ?? negotiateLocale(preferred)
}

export { SUPPORTED_LOCALES }
export type { AppLocale }
