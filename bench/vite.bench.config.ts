import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The bench-only pages, built apart from the app so the production bundle stays exactly
 * what `npm run build` makes: the HubSpot host simulator (dev/host), the baseline widget
 * (sip.js and nothing else) and its minimal host. Served by bench/run.mjs next to the app.
 */
const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root,
  logLevel: 'warn',
  resolve: {
    alias: { '@': fileURLToPath(new URL('../src', import.meta.url)) },
  },
  build: {
    outDir: 'dist-bench/harness',
    emptyOutDir: true,
    assetsDir: 'bench-assets',
    // For the CPU profile's summary (bench/profile.mjs); no comment in the served files.
    sourcemap: 'hidden',
    rollupOptions: {
      input: {
        simulator: fileURLToPath(new URL('../dev/host/index.html', import.meta.url)),
        baseline: fileURLToPath(new URL('./baseline/index.html', import.meta.url)),
        baselineHost: fileURLToPath(new URL('./baseline/host.html', import.meta.url)),
      },
    },
  },
})
