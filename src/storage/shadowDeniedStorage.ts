/**
 * Imported first by `main.ts`, before any library. In a cross-site iframe whose browser denies it
 * storage, merely reading `window.localStorage` throws `SecurityError`; libraries that check for it
 * with `typeof localStorage === 'undefined'` while they are imported (Vue's devtools kit, which Pinia's
 * development build imports) then throw, and the app never mounts. Shadowing the two properties with
 * `null` (what the HTML spec's own feature checks expect when there is no storage) lets them load;
 * the app's own storage (`browserStorage`) then falls back as it would anyway.
 */
export function shadowDeniedStorage(target: Window = window): string[] {
  const shadowed: string[] = []
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    try {
      void target[name]
    }
    catch {
      Object.defineProperty(target, name, { value: null, configurable: true })
      shadowed.push(name)
    }
  }
  return shadowed
}

shadowDeniedStorage()
