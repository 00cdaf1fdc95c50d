// How this project launches Debian's Chromium headless, for the e2e tests and the bench alike:
// fake media, no background traffic (this machine's network is closed), and a chosen storage policy
// for HubSpot's cross-site iframe.

export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * Features playwright-core disables that keep a headless run quiet on this closed network. Chromium
 * honours only the last `--disable-features`, so passing this list replaces playwright-core's own,
 * which also disables `ThirdPartyStoragePartitioning`: with our list the browser keeps its real
 * default, storage partitioned per top-level site (what agents' Chrome does). tests/e2e/wrapup.e2e.ts
 * checks what each policy gives the widget, so a change here cannot hide a fault.
 */
const QUIET_FEATURES = ['MediaRouter', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch', 'LensOverlay']

/**
 * The browser's language in every e2e run unless a test asks for another: the softphone follows
 * `navigator.languages`, and the e2e files find its controls by their English names (exact), so the
 * run must not depend on the machine's LANG. Headless Chromium takes `navigator.languages` (and
 * Accept-Language) from `--accept-lang`; `--lang` alone leaves it at en-US.
 */
export const E2E_LANGUAGE = 'en-US'

/**
 * playwright-core launch options.
 * - `microphone`: `'grant'` answers every permission prompt with yes (the fake microphone), `'deny'` with no.
 * - `storage`: `'partitioned'` (default) is the browser's real default: the widget's iframe gets its own
 *   `localStorage` under HubSpot's site. `'denied'` is the hostile case: storage partitioning off and
 *   third-party cookies blocked (enterprise policies, strict privacy settings; also playwright-core's own
 *   default), where the iframe gets no `localStorage`, `sessionStorage`, IndexedDB or CacheStorage but
 *   still keeps partitioned cookies (CHIPS).
 * - `language`: the browser's language (a BCP 47 tag), `E2E_LANGUAGE` unless a test runs the
 *   softphone in another one (tests/e2e/languages.e2e.ts).
 */
export function chromiumLaunchOptions({ microphone = 'grant', storage = 'partitioned', language = E2E_LANGUAGE } = {}) {
  const args = [
    microphone === 'grant' ? '--use-fake-ui-for-media-stream' : '--deny-permission-prompts',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    `--lang=${language}`,
    `--accept-lang=${language}`,
  ]
  if (storage === 'partitioned')
    args.push(`--disable-features=${QUIET_FEATURES.join(',')}`)
  else if (storage !== 'denied')
    throw new Error(`chromiumLaunchOptions: storage must be 'partitioned' or 'denied', not ${storage}`)
  if (process.getuid?.() === 0)
    args.push('--no-sandbox')
  return { executablePath: CHROMIUM_PATH, headless: true, args }
}
