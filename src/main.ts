import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from '@/App.vue'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import { loadConfig } from '@/config/loadConfig'
import { browserStorage } from '@/config/storage'
import { createHubSpotPort } from '@/hubspot/createHubSpotPort'
import { providePorts } from '@/ports'
import { createLazySipPhone, loadSipPhone } from '@/sip/lazySipPhone'
import '@/style.css'

async function start(): Promise<void> {
  // sip.js downloads while the config loads and the first screen paints.
  loadSipPhone().catch(() => {})
  const loaded = await loadConfig(window.location)
  if (!loaded.ok) {
    // HubSpot still gets an answer, so its call switcher doesn't spin forever.
    const hubspot = createHubSpotPort({ debug: false })
    hubspot.on('ready', () => {
      hubspot.initialized({ isLoggedIn: false })
      hubspot.sendError({ message: `The softphone is not configured: ${loaded.errors.map(e => `${e.field}: ${e.message}`).join(' ')}` })
    })
    createApp(ConfigErrorScreen, { errors: loaded.errors }).mount('#app')
    return
  }
  const { config } = loaded
  // The port and the app are created in one synchronous block, so no HubSpot
  // message can arrive before the stores subscribe to it.
  const hubspot = createHubSpotPort({ debug: config.debug })
  const sip = createLazySipPhone({
    server: config.pbxUrl,
    domain: config.sipDomain,
    iceServers: config.iceServers,
    ringTimeoutMs: config.ringTimeoutSeconds * 1000,
    debug: config.debug,
  })
  const { storage, persistent } = browserStorage()
  const app = createApp(App)
  app.use(createPinia())
  providePorts(app, { sip, hubspot, config, storage, now: Date.now })
  app.mount('#app')
  if (!persistent)
    console.warn('[softphone] This browser blocks storage in HubSpot\'s iframe: call notes are kept in memory only until saved.')
  window.addEventListener('pagehide', () => {
    void sip.dispose()
    hubspot.dispose()
  })
}

void start()
