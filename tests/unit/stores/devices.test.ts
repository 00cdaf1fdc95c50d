/**
 * The audio devices store: choices remembered per browser, the microphone handed to the SIP
 * adapter, and the fallback to the default (with a notice) when a chosen device is unplugged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CallError } from '@/sip/types'
import { useCallStore } from '@/stores/call'
import { DEVICES_KEY, useDevicesStore } from '@/stores/devices'
import { createHarness, MemoryStorage } from '../fakes'

interface FakeDevice { kind: MediaDeviceKind, deviceId: string, label: string, groupId: string }

let devices: FakeDevice[] = []
let listeners: Array<() => void> = []

const headsetMic: FakeDevice = { kind: 'audioinput', deviceId: 'mic-headset', label: 'Headset Microphone', groupId: 'g1' }
const laptopMic: FakeDevice = { kind: 'audioinput', deviceId: 'mic-laptop', label: 'Built-in Microphone', groupId: 'g2' }
const headsetOut: FakeDevice = { kind: 'audiooutput', deviceId: 'out-headset', label: 'Headset Earphone', groupId: 'g1' }
const speaker: FakeDevice = { kind: 'audiooutput', deviceId: 'out-speaker', label: 'Built-in Speaker', groupId: 'g2' }
const defaults: FakeDevice[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default', groupId: 'g0' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Default', groupId: 'g0' },
]

beforeEach(() => {
  devices = [...defaults, headsetMic, laptopMic, headsetOut, speaker]
  listeners = []
  vi.stubGlobal('navigator', {
    ...navigator,
    mediaDevices: {
      enumerateDevices: async () => devices.map(d => ({ ...d, toJSON: () => d })),
      addEventListener: (type: string, fn: () => void) => {
        if (type === 'devicechange')
          listeners.push(fn)
      },
    },
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

async function unplug(...gone: FakeDevice[]): Promise<void> {
  devices = devices.filter(d => !gone.includes(d))
  for (const fn of listeners)
    fn()
  await new Promise(resolve => setTimeout(resolve, 0))
}

describe('devices store', () => {
  it('lists microphones and outputs without the browser\'s "default" aliases', async () => {
    createHarness()
    const store = useDevicesStore()
    await store.start()
    expect(store.inputs.map(d => d.label)).toEqual(['Headset Microphone', 'Built-in Microphone'])
    expect(store.outputs.map(d => d.label)).toEqual(['Headset Earphone', 'Built-in Speaker'])
    expect(store.labelsKnown).toBe(true)
  })

  it('remembers the choice per browser and hands the microphone to the SIP adapter', async () => {
    const storage = new MemoryStorage()
    const h = createHarness({ storage })
    const store = useDevicesStore()
    await store.start()

    store.select('input', 'mic-headset')
    store.select('output', 'out-headset')
    store.select('ringer', 'out-speaker')

    expect(h.sip.actions).toEqual(['input:mic-headset'])
    expect([store.input, store.output, store.ringer]).toEqual(['mic-headset', 'out-headset', 'out-speaker'])
    expect(JSON.parse(storage.getItem(DEVICES_KEY)!)).toEqual({
      input: { deviceId: 'mic-headset', label: 'Headset Microphone' },
      output: { deviceId: 'out-headset', label: 'Headset Earphone' },
      ringer: { deviceId: 'out-speaker', label: 'Built-in Speaker' },
    })
  })

  it('applies the remembered microphone at start (the next page load)', async () => {
    const storage = new MemoryStorage()
    storage.setItem(DEVICES_KEY, JSON.stringify({ input: { deviceId: 'mic-headset', label: 'Headset Microphone' }, output: null, ringer: null }))
    const h = createHarness({ storage })
    const store = useDevicesStore()
    await store.start()
    await store.start() // once only
    expect(h.sip.actions).toEqual(['input:mic-headset'])
    expect(store.input).toBe('mic-headset')
  })

  it('a corrupt saved entry is treated as none', async () => {
    const storage = new MemoryStorage()
    storage.setItem(DEVICES_KEY, '{not json')
    createHarness({ storage })
    const store = useDevicesStore()
    expect([store.input, store.output, store.ringer]).toEqual(['', '', ''])
  })

  it('the headset is unplugged: back to the defaults, the microphone switched, the agent told', async () => {
    const h = createHarness()
    const store = useDevicesStore()
    await store.start()
    store.select('input', 'mic-headset')
    store.select('output', 'out-headset')
    h.sip.actions.length = 0

    await unplug(headsetMic, headsetOut)

    expect([store.input, store.output]).toEqual(['', ''])
    expect(h.sip.actions).toEqual(['input:null'])
    expect(useCallStore().notices.at(-1)?.text).toBe(
      'Headset Microphone (microphone) and Headset Earphone (speaker/headset) are no longer connected: using the system default instead.',
    )
  })

  it('another device coming or going changes nothing about the choice', async () => {
    const h = createHarness()
    const store = useDevicesStore()
    await store.start()
    store.select('input', 'mic-headset')
    h.sip.actions.length = 0
    await unplug(speaker)
    expect(store.input).toBe('mic-headset')
    expect(h.sip.actions).toEqual([])
    expect(useCallStore().notices).toEqual([])
  })

  it('without microphone permission (no labels) nothing is declared gone', async () => {
    devices = devices.map(d => ({ ...d, label: '', deviceId: d.deviceId === 'default' ? 'default' : d.deviceId }))
    const storage = new MemoryStorage()
    storage.setItem(DEVICES_KEY, JSON.stringify({ input: { deviceId: 'mic-usb', label: 'USB' }, output: null, ringer: null }))
    createHarness({ storage })
    const store = useDevicesStore()
    await store.start()
    expect(store.labelsKnown).toBe(false)
    expect(store.input).toBe('mic-usb')
    expect(store.inputs.map(d => d.label)).toEqual(['Microphone 1', 'Microphone 2'])
  })

  it('a microphone that cannot be switched to mid-call is reported', async () => {
    const h = createHarness()
    const store = useDevicesStore()
    await store.start()
    h.sip.setInputDevice = async () => {
      throw new CallError('media', 'No microphone was found.')
    }
    store.select('input', 'mic-laptop')
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(useCallStore().notices.at(-1)).toMatchObject({ kind: 'error', text: 'The microphone could not be switched: No microphone was found.' })
  })
})
