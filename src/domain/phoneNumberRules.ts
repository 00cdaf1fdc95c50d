/**
 * libphonenumber-js, loaded after the first paint. With its metadata it is ~29 KB gzip, a fifth
 * of the first load, and nothing on the first screen needs it: only dialing a full number (and
 * showing one formatted) does, and both come after sign-in, seconds later. `main.ts` starts the
 * download once the first screen is rendered; a dial that comes sooner waits for it
 * (`useCallStore().dial`). Until it is there, `phoneNumber.ts` formats nothing and refuses full
 * numbers with a message the agent can act on; extensions need no rules and dial at once.
 */
type Library = typeof import('./phoneNumberLibrary')

let library: Library | undefined
let loading: Promise<Library> | undefined

/** The loaded library, or `undefined` while it is not (yet) there. */
export function phoneNumberRules(): Library | undefined {
  return library
}

/** Starts (once) loading the library; resolves when it is there. A failed load may be tried again. */
export function loadPhoneNumberRules(): Promise<Library> {
  if (!loading) {
    loading = import('./phoneNumberLibrary').then((module) => {
      library = module
      return module
    })
    loading.catch(() => {
      loading = undefined
    })
  }
  return loading
}
