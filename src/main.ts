// First: a browser that denies the iframe storage must not stop libraries from loading.
import '@/storage/shadowDeniedStorage'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from '@/App.vue'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import { describeSources, loadConfig } from '@/config/loadConfig'
import { browserStorage } from '@/storage/browserStorage'
import { effectiveAllowedOrigins } from '@/domain/origins'
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'
import { holdEarlyMessages } from '@/hubspot/earlyMessages'
import { checkEmbedding, installMessageGuard } from '@/hubspot/originGuard'
import { browserNotifier } from '@/notifications/desktopNotifier'
import { chooseLocale, i18n, t, useLocale } from '@/i18n'
import { providePorts } from '@/ports'
import { createFrames, prepareFrames } from '@/frames'
import type { LocalPhone } from '@/frames/framePhone'
import { createLazySipPhone } from '@/sip/lazySipPhone'
import { loadPhoneNumberRules } from '@/domain/phoneNumberRules'
import { useAgentStore } from '@/stores/agent'
import { useAvailabilityStore } from '@/stores/availability'
import { useCallStore } from '@/stores/call'
import { useWidgetStore } from '@/stores/widget'
import { withReconnect } from '@/sip/withReconnect'
import '@/style.css'

function showSetupScreen(errors: { field: string, message: string }[], sources: string): void {
  createApp(ConfigErrorScreen, { errors, sources }).use(i18n).mount('#app')
}

async function start(): Promise<void> {
  // HubSpot's first SYNC arrives while config.json loads: hold it for the SDK.
  const releaseEarlyMessages = holdEarlyMessages(window)
  // sip.js is not fetched yet: its chunk (250 KB) arrived with config.json and its evaluation,
  // a 50–90 ms long task in the bench, ran before the answer to HubSpot's SYNC. It starts
  // loading when the phone is created below, and runs after the answer and the first render.
  // This frame's keys and the lock check for the coordination with our other frames, meanwhile.
  const framesPrepared = prepareFrames()
  // The browser's language first: the configuration's own errors (the setup screen) are
  // written in it. Then the `locale` setting, if it names another.
  const browserLocale = chooseLocale(undefined, navigator.languages)
  await useLocale(browserLocale)
  const loaded = await loadConfig(window.location)
  if (loaded.ok && loaded.config.locale && loaded.config.locale !== browserLocale)
    await useLocale(loaded.config.locale)
  // Only HubSpot (the allowed origins) may embed us and talk to the SDK: checked before
  // the SDK exists, so it never answers a SYNC from anyone else.
  const allowedOrigins = effectiveAllowedOrigins(loaded.ok ? loaded.config.allowedOrigins : undefined, window.location.hostname)
  const embedding = checkEmbedding(window, allowedOrigins)
  if (!embedding.ok) {
    // Not HubSpot: no SDK (nothing answers its SYNC), no SIP, just the reason.
    releaseEarlyMessages(false)
    showSetupScreen([{ field: 'allowedOrigins', message: embedding.message }], describeSources(loaded.sources))
    return
  }
  installMessageGuard(window, {
    allowedOrigins,
    onBlocked: (reason, origin) => {
      if (loaded.ok && loaded.config.debug)
        console.warn(`[softphone] ignored a message from ${origin}: ${reason}`)
    },
  })
  if (!loaded.ok) {
    // HubSpot still gets an answer, so its call switcher doesn't spin forever.
    const hubspot = createHubSpotPort({ debug: false })
    hubspot.on('ready', () => {
      hubspot.initialized({ isLoggedIn: false })
      hubspot.sendError({ message: t('setup.notConfigured', { errors: loaded.errors.map(e => `${e.field}: ${e.message}`).join(' ') }) })
    })
    showSetupScreen(loaded.errors, describeSources(loaded.sources))
    releaseEarlyMessages(true)
    return
  }
  const { config } = loaded
  // The port and the app are created in one synchronous block, so no HubSpot
  // message can arrive before the stores subscribe to it.
  const prepared = await framesPrepared
  const hubspotHere = createHubSpotPort({ debug: config.debug })
  // A dropped WebSocket is re-REGISTERed on its own, with backoff and jitter.
  const createLocal = (): LocalPhone => withReconnect(createLazySipPhone({
    server: config.pbxUrl,
    domain: config.sipDomain,
    iceServers: config.iceServers,
    ringTimeoutMs: config.ringTimeoutSeconds * 1000,
    callReconnectMs: config.callReconnectSeconds * 1000,
    debug: config.debug,
    dtmfMode: config.dtmfMode,
    iceTransportPolicy: config.iceTransportPolicy,
  }))
  // One phone for all of the agent's HubSpot frames in this browser (src/frames/).
  const frames = createFrames({ prepared, pbxUrl: config.pbxUrl, sipDomain: config.sipDomain, hubspot: hubspotHere, storage: browserStorage(), createLocal, log: config.debug ? message => console.info(message) : undefined })
  const { sip, hubspot, storage } = frames
  window.addEventListener('online', () => sip.reconnectNow())
  // Where the drafts go in this browser (local, cookie, memory), how the frames elect the phone's owner
  // and whether this frame holds it: shown to tests and support, never a secret.
  const root = document.documentElement
  root.dataset.storage = storage.persistence
  root.dataset.election = frames.election
  const showRole = (owns: boolean): void => {
    root.dataset.phone = owns ? 'owner' : 'mirror'
  }
  showRole(frames.ownsPhone())
  frames.onOwnerChange(showRole)
  const app = createApp(App)
  app.use(createPinia())
  app.use(i18n)
  providePorts(app, { sip, hubspot, config, storage, notifier: browserNotifier(window), now: Date.now, frame: { ownsPhone: frames.ownsPhone, onOwnerChange: frames.onOwnerChange, joined: frames.joined, onJoined: frames.onJoined } })
  // The widget store answers HubSpot's SYNC: the stores App.vue uses are made first (in its
  // order) and the held SYNC is answered; the first render runs in the next task. A postMessage
  // to HubSpot's (cross-process) window reaches it only once the sending task is over: the
  // bench saw INITIALIZED wait for the whole 50–90 ms boot task when the mount shared it.
  app.runWithContext(() => {
    useAgentStore()
    useCallStore()
    useWidgetStore()
    useAvailabilityStore()
  })
  releaseEarlyMessages(true)
  setTimeout(() => {
    app.mount('#app')
    // The phone number rules (libphonenumber-js) are not needed to paint; they load now, long
    // before the agent can dial (src/domain/phoneNumberRules.ts).
    loadPhoneNumberRules().catch(() => {})
  }, 0)
  window.addEventListener('pagehide', () => {
    void sip.dispose()
    hubspot.dispose()
  })
}

void start()
