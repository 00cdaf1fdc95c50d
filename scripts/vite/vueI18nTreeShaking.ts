/**
 * Lets the bundler tree-shake Vue under vue-i18n 11.4.2 (a Vite build plugin).
 *
 * vue-i18n's ESM builds up to 11.4.8 find the current component with
 * `const key = 'currentInstance'; if (key in Vue) return Vue[key]; else return Vue.getCurrentInstance()`
 * over `import * as Vue from 'vue'`. The `in` probe makes the bundler materialise the whole `vue`
 * namespace, which keeps every export of Vue (Transition, KeepAlive, Suspense, Teleport, hydration…)
 * in the first load: ~16 KB gzip of ours (intlify/vue-i18n#2573). Vue up to 3.5 exports no
 * `currentInstance`, so the probe is always false there and the code always calls
 * `Vue.getCurrentInstance()`; this plugin writes exactly that, which is also what the upstream
 * fix (intlify/vue-i18n#2578, vue-i18n 11.4.9) does for Vue 3.0–3.5. Those releases require
 * Node 22, this project runs on Node 20, hence the patch.
 *
 * It fails the build rather than guess: on Vue 3.6+ (where the probe finds Vapor components) and
 * when a vue-i18n build imports the Vue namespace but no longer has this probe (an upgrade:
 * check whether it still pins Vue, then drop the plugin).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'

const PROBE = /const key = 'currentInstance';\s*if \(key in Vue\) \{\s*return Vue\[key\];\s*\}\s*else \{\s*return Vue\.getCurrentInstance\(\);\s*\}/
const VUE_I18N_ESM = /[\\/]node_modules[\\/]vue-i18n[\\/]dist[\\/][^\\/]+\.m?js$/

/** `vue`'s installed version as [major, minor]. */
function vueVersion(root: string): [number, number] {
  const require = createRequire(`${root}/package.json`)
  const { version } = JSON.parse(readFileSync(require.resolve('vue/package.json'), 'utf8')) as { version: string }
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return [major, minor]
}

export function vueI18nTreeShaking(): Plugin {
  let patched = 0
  return {
    name: 'softphone-vue-i18n-tree-shaking',
    apply: 'build',
    enforce: 'pre',
    configResolved(config) {
      const [major, minor] = vueVersion(config.root)
      if (major > 3 || (major === 3 && minor >= 6))
        throw new Error(`vueI18nTreeShaking: Vue ${major}.${minor} exports currentInstance (Vapor); upgrade vue-i18n to 11.4.9 or later and remove this plugin (scripts/vite/vueI18nTreeShaking.ts)`)
    },
    transform(code, id) {
      if (!VUE_I18N_ESM.test(id) || !code.includes('import * as Vue from \'vue\''))
        return null
      if (!PROBE.test(code))
        throw new Error(`vueI18nTreeShaking: ${id} no longer has the currentInstance probe; check intlify/vue-i18n#2573 and remove this plugin if it is fixed`)
      patched++
      // As many lines as the probe had, so every line after it keeps its place (the source map stays right).
      return { code: code.replace(PROBE, probe => `return Vue.getCurrentInstance();${'\n'.repeat(probe.split('\n').length - 1)}`), map: null }
    },
    buildEnd(error) {
      if (!error && patched === 0)
        this.warn('vueI18nTreeShaking: no vue-i18n module was patched; is this plugin still needed?')
    },
  }
}
