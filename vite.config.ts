import { readFile } from 'node:fs/promises'
import { fileURLToPath, URL } from 'node:url'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { defineConfig } from 'vite'
import { vueI18nTreeShaking } from './scripts/vite/vueI18nTreeShaking.ts'
import { contentSecurityPolicy } from './src/domain/csp.ts'
import { HUBSPOT_APP_ORIGINS } from './src/domain/origins.ts'

/**
 * In development the softphone reads dev/config.json (the local test PBX and a
 * prefilled test extension). A production build ships no config.json: the admin
 * puts one next to index.html, and until then the app shows its setup screen.
 */
function devConfig(): Plugin {
  const file = fileURLToPath(new URL('./dev/config.json', import.meta.url))
  return {
    name: 'softphone-dev-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        void readFile(file, 'utf8').then((body) => {
          res.setHeader('Content-Type', 'application/json')
          res.setHeader('Cache-Control', 'no-store')
          res.end(body)
        })
      })
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    // The catalogues are compiled here, at build time, to vue-i18n's message AST, and `vue-i18n`
    // resolves to its runtime-only build with the compiler dropped: the browser gets no message
    // compiler and never compiles a string. A message that does not compile fails the
    // build. Composition API only; `<i18n-t>` stays registered (fullInstall).
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/locales/*.ts', import.meta.url))],
      runtimeOnly: true,
      dropMessageCompiler: true,
      compositionOnly: true,
      fullInstall: true,
      strictMessage: true,
    }),
    // vue-i18n 11.4.2 keeps every export of Vue in the bundle; see the plugin (~16 KB gzip).
    vueI18nTreeShaking(),
    devConfig(),
  ],
  define: {
    // No devtools hooks in production (the plugin defines vue-i18n's other flags).
    __INTLIFY_PROD_DEVTOOLS__: false,
    // Every component is <script setup> and vue-i18n runs in Composition API mode: Vue's Options
    // API support (data, methods, mixins…) is dead weight in the first load (~1.5 KB gzip).
    __VUE_OPTIONS_API__: false,
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    // The production headers (README, "Reliability and security"), with the PBX of
    // SOFTPHONE_PBX_URL (default: the local test PBX) and the simulator's loopback origins.
    headers: {
      'Content-Security-Policy': contentSecurityPolicy({
        pbxUrls: [process.env.SOFTPHONE_PBX_URL ?? 'ws://127.0.0.1:8088/ws'],
        frameAncestors: [...HUBSPOT_APP_ORIGINS, 'http://localhost:*', 'http://127.0.0.1:*'],
      }),
      'Permissions-Policy': 'microphone=(self), camera=(), geolocation=()',
    },
  },
})
