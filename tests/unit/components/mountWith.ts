import { createTestingPinia } from '@pinia/testing'
import type { MountingOptions } from '@vue/test-utils'
import { mount } from '@vue/test-utils'
import type { Component } from 'vue'
import { vi } from 'vitest'
import type { Ports } from '@/ports'
import { PortsKey } from '@/ports'
import { FakeHubSpot, FakeNotifier, FakeSip, MemoryStorage, testConfig } from '../fakes'

/**
 * Mounts a component with a testing Pinia (actions stubbed, state set from
 * `initialState`) and fake ports, the way the app provides the real ones.
 */
export function mountWith(component: Component, options: {
  initialState?: Record<string, unknown>
  stubActions?: boolean
  props?: Record<string, unknown>
  mount?: MountingOptions<unknown>
  /** The frames' port (src/frames/), for a frame that is one of several. */
  frame?: Ports['frame']
} = {}) {
  const ports = {
    sip: new FakeSip(),
    hubspot: new FakeHubSpot(),
    storage: new MemoryStorage('local'),
    config: { ...testConfig },
    notifier: new FakeNotifier(),
    now: () => 1_700_000_000_000,
    ...(options.frame ? { frame: options.frame } : {}),
  }
  const pinia = createTestingPinia({
    createSpy: vi.fn,
    stubActions: options.stubActions ?? true,
    initialState: options.initialState,
  })
  const wrapper = mount(component, {
    props: options.props,
    attachTo: document.body,
    global: { plugins: [pinia], provide: { [PortsKey as symbol]: ports } },
  })
  return { wrapper, ports, pinia }
}
