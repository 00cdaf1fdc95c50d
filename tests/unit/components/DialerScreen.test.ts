import { afterEach, describe, expect, it } from 'vitest'
import DialerScreen from '@/components/DialerScreen.vue'
import { useCallStore } from '@/stores/call'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('DialerScreen', () => {
  it('builds the number from the keypad and places the call with Call', async () => {
    const { wrapper } = mountWith(DialerScreen)
    for (const key of ['6', '0', '0'])
      await wrapper.find(`button[data-key="${key}"]`).trigger('click')
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('600')
    await wrapper.find('form').trigger('submit')
    expect(useCallStore().dial).toHaveBeenCalledWith('600', { fromHubSpot: false })
  })

  it('keeps the typed number when the call could not be placed', async () => {
    const { wrapper } = mountWith(DialerScreen)
    const store = useCallStore()
    store.dial = async () => false
    await wrapper.find('input').setValue('12ab')
    await wrapper.find('form').trigger('submit')
    await Promise.resolve()
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('12ab')
  })

  it('puts the cursor in Phone number when it shows, ready to type', () => {
    const { wrapper } = mountWith(DialerScreen)
    expect(document.activeElement).toBe(wrapper.find('input').element)
  })

  it('disables Call until something is typed', async () => {
    const { wrapper } = mountWith(DialerScreen)
    const call = wrapper.findAll('button').find(b => b.text() === 'Call')
    expect(call?.attributes('disabled')).toBeDefined()
    await wrapper.find('input').setValue('+44')
    expect(call?.attributes('disabled')).toBeUndefined()
  })
})
