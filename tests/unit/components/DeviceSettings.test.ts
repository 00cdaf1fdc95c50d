import { afterEach, describe, expect, it, vi } from 'vitest'
import DeviceSettings from '@/components/DeviceSettings.vue'
import { useDevicesStore } from '@/stores/devices'
import { mountWith } from './mountWith'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const inputs = [{ deviceId: 'mic-headset', label: 'Headset Microphone' }, { deviceId: 'mic-laptop', label: 'Built-in Microphone' }]
const outputs = [{ deviceId: 'out-headset', label: 'Headset Earphone' }]

function mountSettings() {
  return mountWith(DeviceSettings, { initialState: { devices: { inputs, outputs, labelsKnown: true, chosen: { input: null, output: null, ringer: null } } } })
}

describe('DeviceSettings', () => {
  it('offers the system default and every device for each role', () => {
    const { wrapper } = mountSettings()
    expect(wrapper.find('select[name="microphone"]').findAll('option').map(o => o.text())).toEqual(['System default', 'Headset Microphone', 'Built-in Microphone'])
    if (useDevicesStore().outputSelectable) {
      expect(wrapper.find('select[name="speaker"]').findAll('option').map(o => o.text())).toEqual(['System default', 'Headset Earphone'])
      expect(wrapper.find('select[name="ringer"]').exists()).toBe(true)
    }
    else {
      expect(wrapper.text()).toContain('default output')
    }
  })

  it('a choice goes to the store', async () => {
    const { wrapper } = mountSettings()
    await wrapper.find('select[name="microphone"]').setValue('mic-laptop')
    expect(useDevicesStore().select).toHaveBeenCalledWith('input', 'mic-laptop')
  })

  it('the microphone check says why it could not open the microphone', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      mediaDevices: { getUserMedia: async () => { throw Object.assign(new Error('denied'), { name: 'NotAllowedError' }) } },
    })
    vi.stubGlobal('AudioContext', class {})
    const { wrapper } = mountSettings()
    await wrapper.findAll('button').find(b => b.text() === 'Test microphone')!.trigger('click')
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(wrapper.find('[role="alert"]').text()).toBe('Microphone access was denied. Allow the microphone for this page and try again.')
    expect(wrapper.find('[data-testid="mic-level"]').exists()).toBe(false)
  })

  function stubMicrophone() {
    const track = { stop: vi.fn() }
    vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia: async () => ({ getTracks: () => [track] }) } })
    vi.stubGlobal('AudioContext', class {
      createAnalyser() {
        return { fftSize: 0, getFloatTimeDomainData: (a: Float32Array) => a.fill(0.1) }
      }

      createMediaStreamSource() {
        return { connect: () => {} }
      }

      resume = async () => {}
      close = async () => {}
    })
    return track
  }

  it('measures a live level and releases the microphone on Stop test', async () => {
    const track = stubMicrophone()
    vi.useFakeTimers()
    const { wrapper } = mountSettings()
    await wrapper.findAll('button').find(b => b.text() === 'Test microphone')!.trigger('click')
    await vi.advanceTimersByTimeAsync(150)
    // RMS 0.1 = −20 dBFS → (−20 + 60) / 60 = 67 %
    expect(wrapper.find('[data-testid="mic-level"]').attributes('data-level')).toBe('67')
    await wrapper.findAll('button').find(b => b.text() === 'Stop test')!.trigger('click')
    expect(track.stop).toHaveBeenCalledOnce()
    expect(wrapper.find('[data-testid="mic-level"]').exists()).toBe(false)
    vi.useRealTimers()
  })

  it('closing the panel ends the check: the microphone is released and the meter stops', async () => {
    const track = stubMicrophone()
    vi.useFakeTimers()
    try {
      const { wrapper } = mountSettings()
      const details = wrapper.find('details')
      ;(details.element as HTMLDetailsElement).open = true
      await details.trigger('toggle')
      await wrapper.findAll('button').find(b => b.text() === 'Test microphone')!.trigger('click')
      await vi.advanceTimersByTimeAsync(150)
      expect(wrapper.find('[data-testid="mic-level"]').exists()).toBe(true)
      ;(details.element as HTMLDetailsElement).open = false
      await details.trigger('toggle')
      expect(track.stop).toHaveBeenCalledOnce()
      expect(wrapper.find('[data-testid="mic-level"]').exists()).toBe(false)
      expect(wrapper.findAll('button').some(b => b.text() === 'Test microphone')).toBe(true)
    }
    finally {
      vi.useRealTimers()
    }
  })
})
