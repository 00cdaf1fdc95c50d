import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createApp, defineComponent, h } from 'vue'
import { takeVueWarnings } from './vueWarnings'

// Proves the guard in setup.ts sees warnings, so a test that makes Vue warn fails.
const NeedsProp = defineComponent({ props: { name: { type: String, required: true } }, render: () => h('div') })

describe('the Vue warning guard', () => {
  it('catches a warning from a component mounted by test-utils', () => {
    mount(NeedsProp)
    const warnings = takeVueWarnings()
    expect(warnings.join('\n')).toContain('Missing required prop: "name"')
  })

  it('catches a warning from an app created outside test-utils', () => {
    const el = document.createElement('div')
    createApp(NeedsProp).mount(el)
    expect(takeVueWarnings().join('\n')).toContain('Missing required prop')
  })
})
