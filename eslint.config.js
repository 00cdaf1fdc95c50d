import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'docs/**', '.pbx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', console: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        localStorage: 'readonly', sessionStorage: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        fetch: 'readonly', process: 'readonly', performance: 'readonly', MessageEvent: 'readonly',
        HTMLElement: 'readonly', HTMLAudioElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLButtonElement: 'readonly', StorageEvent: 'readonly', MediaStream: 'readonly', ResizeObserver: 'readonly',
        RTCPeerConnection: 'readonly', AbortController: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'sip.js', message: 'Only src/sip/ may import sip.js.' },
          { name: '@hubspot/calling-extensions-sdk', message: 'Only src/hubspot/ and dev/host/ may import the SDK.' },
          { name: 'libphonenumber-js', message: 'Only src/domain/phoneNumberLibrary.ts imports libphonenumber-js: it loads after the first paint (src/domain/phoneNumberRules.ts).' },
        ],
        patterns: [{ group: ['sip.js/*'], message: 'Only src/sip/ may import sip.js.' }],
      }],
    },
  },
  {
    files: ['src/sip/**', 'tests/unit/sip/**', 'tests/e2e/**', 'bench/**', 'dev/host/caller.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/hubspot/**', 'dev/host/**', 'tests/unit/hubspot/**', 'tests/e2e/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/domain/phoneNumberLibrary.ts', 'tests/unit/domain/phoneNumber.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
)
