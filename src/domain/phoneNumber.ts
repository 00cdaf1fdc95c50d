/**
 * Turning whatever the agent typed, or HubSpot sent, into something safe to put
 * in a SIP Request-URI.
 *
 * The dial string ends up inside `sip:<target>@<domain>`, so this is a security
 * boundary as much as a convenience: the target is only ever `+` and digits.
 * Anything that could smuggle URI parameters or headers (`@ ; ? = < > :`, CR/LF)
 * is refused with a message the agent can act on, never "fixed" silently.
 *
 * We check `isPossible()` (length), not `isValid()` (known ranges): metadata lags
 * behind new number ranges, and refusing a real number is worse than letting
 * the PBX reject a wrong one.
 *
 * libphonenumber-js arrives after the first paint (`phoneNumberRules.ts`): until then a full
 * number is refused with `number.rulesMissing` (the call store waits for the rules before it
 * dials, so the agent sees that only if they could not be loaded) and nothing is formatted.
 */
import type { CountryCode } from '@/domain/phoneNumberLibrary'
import { PHONE_COUNTRIES } from '@/domain/phoneCountries'
import { phoneNumberRules } from '@/domain/phoneNumberRules'
import { t } from '@/i18n'

export interface DialTarget {
  ok: true
  /** `e164`: a full international number. `extension`: a short internal number. */
  kind: 'e164' | 'extension'
  /** Only `+` and digits: what goes into the SIP URI. */
  target: string
  /** How to show it to the agent, e.g. `+44 20 7946 0600` (with ` ext. 45` when there is one). */
  display: string
  /**
   * An extension to key in once the call is answered (`+1 415 555 0123 ext. 45`), else absent:
   * `digits` are the extension's keys (`45`), `sequence` what is sent after the answer, where
   * each `,` is a pause (`POST_DIAL_PAUSE_MS`) as phone dialers do: `,45` for `x45`, `,,45` for
   * `,,45`. Always at least one pause first, so the far end's greeting can start.
   */
  extension?: { digits: string, sequence: string }
}

export interface DialError {
  ok: false
  /** A sentence the agent can read. */
  message: string
}

export interface NormalizeOptions {
  /** HubSpot's `countryCode` for this number (ISO alpha-2, any case; invalid is ignored). */
  region?: string
  /** The configured default country, used when `region` is missing or invalid. */
  defaultRegion?: string
}

export const MAX_DIAL_STRING_LENGTH = 64
/** Internal extensions: 2–6 digits, nothing else. */
const EXTENSION = /^[0-9]{2,6}$/
/** What a target may look like, always. */
export const SAFE_TARGET = /^\+?[0-9]+$/

const ECHO_LENGTH = 24

/** How long each `,` of an extension waits, in ms (the pause of common phone dialers). */
export const POST_DIAL_PAUSE_MS = 2000
/** Most keys an extension may have (digits, `*`, `#`), and most pauses. */
const MAX_EXTENSION_KEYS = 16
const MAX_EXTENSION_PAUSES = 10

/**
 * A trailing extension as CRM records write it: `ext. 45`, `ext 45`, `extension 45`, `x45`,
 * `;ext=45` (RFC 3966's tel URI parameter), or pauses `,45` / `,,45` (dialers' post-dial
 * string). The keys may hold more pauses, `*` and `#` (`x45,,2#`), never anything else.
 */
const EXTENSION_SUFFIX = /^(.*?[0-9)])\s*(?:(?:;\s*ext\s*=|(?:extension|extn|ext|x)\.?:?)\s*(,*[0-9][0-9*#,]*)|(,+[0-9][0-9*#,]*))$/i

interface SplitNumber { main: string, extension?: { digits: string, sequence: string } }

/** Splits `text` into the number to dial and its extension; `null` when the extension is unusable. */
function splitExtension(text: string): SplitNumber | null {
  const match = EXTENSION_SUFFIX.exec(text)
  if (!match)
    return { main: text }
  const main = (match[1] ?? '').trim()
  const keys = match[2] ?? match[3] ?? ''
  const digits = keys.replace(/,/g, '')
  const pauses = keys.length - digits.length
  if (digits.length > MAX_EXTENSION_KEYS || pauses > MAX_EXTENSION_PAUSES)
    return null
  return { main, extension: { digits, sequence: keys.startsWith(',') ? keys : `,${keys}` } }
}

/** The input quoted back to the agent: one line, and short. */
function echo(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, '�')
  const chars = Array.from(visible)
  const shown = chars.length > ECHO_LENGTH ? `${chars.slice(0, ECHO_LENGTH).join('')}…` : visible
  return `“${shown}”`
}

function fail(message: string): DialError {
  return { ok: false, message }
}

/** An ISO alpha-2 code libphonenumber knows, upper-cased; otherwise undefined. */
export function toRegion(code: string | undefined): CountryCode | undefined {
  if (typeof code !== 'string') return undefined
  const upper = code.trim().toUpperCase()
  return /^[A-Z]{2}$/.test(upper) && PHONE_COUNTRIES.has(upper) ? upper as CountryCode : undefined
}

export function normalizeDialString(raw: unknown, opts: NormalizeOptions = {}): DialTarget | DialError {
  if (typeof raw !== 'string') {
    return fail(raw === undefined || raw === null ? t('number.none') : t('number.notANumber'))
  }
  if (raw.length > MAX_DIAL_STRING_LENGTH) {
    return fail(t('number.tooLong', { number: echo(raw), length: raw.length, max: MAX_DIAL_STRING_LENGTH }))
  }
  // NFKC turns full-width digits, plus signs and brackets (common with IMEs)
  // and no-break spaces into their ASCII forms. Invisible format characters
  // (bidi marks, zero-width spaces) come along when copying numbers from web
  // pages; they carry no meaning, so they go.
  let text = raw.normalize('NFKC').replace(/\p{Cf}/gu, '').trim()
  if (text === '') return fail(t('number.none'))

  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) {
    return fail(t('number.control', { number: echo(raw) }))
  }
  const tel = /^tel:/i.exec(text)
  if (tel) text = text.slice(tel[0].length).trim()

  // `*` is a key, not an extension separator: `+14382663913*227` dialed as one string would reach
  // a different number (or none), so it is refused rather than guessed at.
  if (/[0-9]\s*\*/.test(text) && !EXTENSION_SUFFIX.test(text)) {
    const after = /\*\s*([0-9]{1,8})/.exec(text)?.[1] ?? '123'
    return fail(t('number.star', { number: echo(raw), after }))
  }
  const split = splitExtension(text)
  if (split === null) {
    return fail(t('number.extensionTooLong', { number: echo(raw), keys: MAX_EXTENSION_KEYS, pauses: MAX_EXTENSION_PAUSES }))
  }
  if (split.extension) {
    const main = normalizeDialString(split.main, opts)
    if (!main.ok)
      return main
    const { digits, sequence } = split.extension
    return { ...main, display: `${main.display} ext. ${digits}`, extension: { digits, sequence } }
  }

  if (/[@<>;?=:]/.test(text)) {
    return fail(t('number.badCharacters', { number: echo(raw) }))
  }
  if (/\p{L}/u.test(text)) {
    return fail(t('number.invalid', { number: echo(raw) }))
  }
  if (!/^\+?[0-9 ().-]+$/.test(text)) {
    return fail(t('number.allowedCharacters', { number: echo(raw) }))
  }

  if (EXTENSION.test(text)) {
    return { ok: true, kind: 'extension', target: text, display: text }
  }

  const digits = text.replace(/[^0-9]/g, '')
  if (digits.length === 0) return fail(t('number.noDigits', { number: echo(raw) }))
  if (digits.length < 2) return fail(t('number.tooShort', { number: echo(raw) }))

  // A leading 00 is the international prefix in most of the world; treat it
  // as `+` whatever the region, because the agent clearly meant an
  // international number (libphonenumber would only do so for 00-countries).
  let international = text.startsWith('+')
  if (!international && text.startsWith('00')) {
    text = `+${text.slice(2)}`
    international = true
  }

  const region = toRegion(opts.region) ?? toRegion(opts.defaultRegion)
  if (!international && region === undefined) {
    return fail(t('number.noCountryCode', { number: echo(raw) }))
  }

  const rules = phoneNumberRules()
  if (rules === undefined)
    return fail(t('number.rulesMissing'))
  const parsed = international ? rules.parsePhoneNumberFromString(text) : rules.parsePhoneNumberFromString(text, region)
  if (parsed === undefined || !parsed.isPossible()) {
    const where = international || region === undefined ? '' : t('number.where', { country: region })
    return fail(t('number.impossible', { number: echo(raw), where }))
  }
  const target = parsed.number
  if (!SAFE_TARGET.test(target)) {
    // Unreachable with libphonenumber's output, but this string goes into a SIP URI.
    return fail(t('number.invalid', { number: echo(raw) }))
  }
  return { ok: true, kind: 'e164', target, display: parsed.formatInternational() }
}

/**
 * A stored number (`+442079460600`, or an extension) in the agent's preferred
 * shape. Anything that does not parse is shown as it is, and so is every number
 * while libphonenumber-js is not loaded.
 */
export function formatPhoneForDisplay(number: string): string {
  const rules = phoneNumberRules()
  if (!number.startsWith('+') || rules === undefined) return number
  const parsed = rules.parsePhoneNumberFromString(number)
  return parsed?.isPossible() === true ? parsed.formatInternational() : number
}
