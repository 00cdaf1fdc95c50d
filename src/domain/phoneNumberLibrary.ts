/**
 * What the softphone uses of libphonenumber-js (its code and the "min" metadata): the contents
 * of a chunk of its own, which `loadPhoneNumberRules()` (`phoneNumberRules.ts`) loads after the
 * first paint. Import it only through that loader, never statically.
 */
export { parsePhoneNumberFromString } from 'libphonenumber-js'
export type { CountryCode } from 'libphonenumber-js'
