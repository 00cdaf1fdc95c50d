import { afterEach, describe, expect, it } from 'vitest'
import DesktopAlertsSetting from '@/components/DesktopAlertsSetting.vue'
import { useDesktopAlertsStore } from '@/stores/desktopAlerts'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('DesktopAlertsSetting', () => {
  it('offers the Allow button only where the browser can ask; the click asks', async () => {
    const { wrapper } = mountWith(DesktopAlertsSetting, { initialState: { desktopAlerts: { access: 'default' } } })
    const store = useDesktopAlertsStore()
    store.access = 'default'
    await wrapper.vm.$nextTick()
    const button = wrapper.findAll('button').find(b => b.text() === 'Allow desktop notifications')
    await button!.trigger('click')
    expect(store.enable).toHaveBeenCalled()
  })

  it.each([
    ['blocked-in-frame', 'Not available inside HubSpot'],
    ['granted', 'On: an incoming call'],
    ['denied', 'Blocked for this site'],
    ['unsupported', 'This browser cannot show desktop notifications here.'],
  ] as const)('%s: a sentence, no control that cannot work', async (access, sentence) => {
    const { wrapper } = mountWith(DesktopAlertsSetting)
    useDesktopAlertsStore().access = access
    await wrapper.vm.$nextTick()
    expect(wrapper.findAll('button')).toHaveLength(0)
    expect(wrapper.text()).toContain(sentence)
  })
})
