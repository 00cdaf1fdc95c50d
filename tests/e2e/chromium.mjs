// How this project launches Debian's Chromium headless, for the e2e tests and the bench alike:
// fake media, no background traffic (this machine's network is closed), and Chrome's default
// third-party storage (the blocked case is covered by unit tests).

export const CHROMIUM_PATH = '/usr/bin/chromium'

/**
 * playwright-core launch options. `microphone: 'grant'` answers every permission prompt with
 * yes (the fake microphone), `'deny'` with no.
 */
export function chromiumLaunchOptions({ microphone = 'grant' } = {}) {
  const args = [
    microphone === 'grant' ? '--use-fake-ui-for-media-stream' : '--deny-permission-prompts',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-gpu',
    '--disable-features=TrackingProtection3pcd',
  ]
  if (process.getuid?.() === 0)
    args.push('--no-sandbox')
  return { executablePath: CHROMIUM_PATH, headless: true, args }
}
