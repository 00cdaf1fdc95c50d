/**
 * `Intl` formatters, made once per locale and options and then reused. Building an
 * `Intl.NumberFormat` or `Intl.ListFormat` loads and resolves the locale's data (~0.1 ms each
 * in Chromium), and the call timer needed five of them on every tick (its digits and the
 * words screen readers hear); formatting with a formatter already built is cheap. Formatters are immutable, so sharing
 * them is safe. The cache is bounded: the softphone uses a handful of option sets in at most
 * a few locales, and it starts over if something ever asks for many more.
 */

const MAX_ENTRIES = 200
const numberFormats = new Map<string, Intl.NumberFormat>()
const listFormats = new Map<string, Intl.ListFormat>()

function cached<F, O>(cache: Map<string, F>, make: (locale: string, options: O) => F, locale: string, options: O): F {
  const key = `${locale}\u0000${JSON.stringify(options)}`
  let formatter = cache.get(key)
  if (!formatter) {
    if (cache.size >= MAX_ENTRIES)
      cache.clear()
    formatter = make(locale, options)
    cache.set(key, formatter)
  }
  return formatter
}

/** `new Intl.NumberFormat(locale, options)`, built once per locale and options (a BCP 47 tag; throws RangeError as the constructor does). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached(numberFormats, (l, o) => new Intl.NumberFormat(l, o), locale, options)
}

/** `new Intl.ListFormat(locale, options)`, built once per locale and options. */
export function listFormat(locale: string, options: Intl.ListFormatOptions = {}): Intl.ListFormat {
  return cached(listFormats, (l, o) => new Intl.ListFormat(l, o), locale, options)
}
