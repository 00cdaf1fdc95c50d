/**
 * The one message catalogue (vue-i18n, Composition API mode) and the locale the agent sees.
 * Components use `useI18n()` (the instance is installed once in main.ts); stores, the SIP
 * adapter and the domain's texts use `t` from here, so a notice, an error or an end reason
 * is written in the agent's language when it is made. The locale is chosen once at start
 * (`chooseLocale`): the `locale` setting, else the browser's languages, else English.
 */
import { createI18n } from 'vue-i18n'
import { type AppLocale, DEFAULT_LOCALE, negotiateLocale, SUPPORTED_LOCALES } from '@/domain/locale'
import de from '@/i18n/locales/de'
import en, { type MessageSchema } from '@/i18n/locales/en'
import es from '@/i18n/locales/es'
import fr from '@/i18n/locales/fr'

export const CATALOGUES: Readonly<Record<AppLocale, MessageSchema>> = { en, de, fr, es }

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { ...CATALOGUES },
})

/** Translates a catalogue key in the current locale (vue-i18n's global `t`). */
export const t = i18n.global.t

/** The current locale, as a BCP 47 language tag for `Intl` and `<html lang>`. */
export function currentLocale(): string {
  return i18n.global.locale.value
}

/** Switches every text and `<html lang>` to `locale`. */
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
