/**
 * The agent's audio devices: the microphone, the speaker/headset the call plays on
 * (`HTMLMediaElement.setSinkId`) and the ringer output for incoming calls. The choice is
 * remembered per browser (storage) by device id, with the label to name it when it is gone.
 * When a chosen device disappears (`devicechange`: the headset was unplugged), the softphone
 * falls back to the system default and tells the agent.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { t } from '@/i18n'
import { formatList } from '@/i18n/format'
import { usePorts } from '@/ports'
import { useCallStore } from '@/stores/call'

export interface AudioDevice {
  deviceId: string
  label: string
}

export type DeviceRole = 'input' | 'output' | 'ringer'

interface Saved {
  input: AudioDevice | null
  output: AudioDevice | null
  ringer: AudioDevice | null
}

export const DEVICES_KEY = 'softphone:audio-devices'

const ROLE_NAMES: Readonly<Record<DeviceRole, () => string>> = {
  input: () => t('devices.roleInput'),
  output: () => t('devices.roleOutput'),
  ringer: () => t('devices.roleRinger'),
}

function readSaved(raw: string | null): Saved {
  const empty: Saved = { input: null, output: null, ringer: null }
  if (!raw)
    return empty
  try {
    const value = JSON.parse(raw) as Partial<Record<DeviceRole, unknown>>
    const pick = (v: unknown): AudioDevice | null => {
      if (!v || typeof v !== 'object')
        return null
      const { deviceId, label } = v as Record<string, unknown>
      return typeof deviceId === 'string' && deviceId !== '' ? { deviceId, label: typeof label === 'string' ? label : '' } : null
    }
    return { input: pick(value.input), output: pick(value.output), ringer: pick(value.ringer) }
  }
  catch {
    return empty
  }
}

/** `setSinkId` exists (Chromium, Edge, Firefox 116+): the output can be chosen. */
export function canChooseOutput(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype
}

function mediaDevices(): MediaDevices | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.mediaDevices
}

export const useDevicesStore = defineStore('devices', () => {
  const { sip, storage } = usePorts()
  const saved = readSaved(storage.getItem(DEVICES_KEY))

  const inputs = ref<AudioDevice[]>([])
  const outputs = ref<AudioDevice[]>([])
  /** The chosen devices; `null` = the system default. */
  const chosen = ref<Saved>(saved)
  /** Labels are only readable once the page has had microphone access. */
  const labelsKnown = ref(false)
  const outputSelectable = canChooseOutput()
  let started = false

  const input = computed(() => chosen.value.input?.deviceId ?? '')
  const output = computed(() => chosen.value.output?.deviceId ?? '')
  const ringer = computed(() => chosen.value.ringer?.deviceId ?? '')

  function save(): void {
    storage.setItem(DEVICES_KEY, JSON.stringify(chosen.value))
  }

  function notify(text: string): void {
    useCallStore().notify('info', text)
  }

  async function applyInput(deviceId: string | null): Promise<void> {
    try {
      await sip.setInputDevice(deviceId)
    }
    catch (error) {
      useCallStore().notify('error', t('notice.micNotSwitched', { why: error instanceof Error ? error.message : String(error) }))
    }
  }

  /** Re-reads the device list; a chosen device that is gone falls back to the default. */
  async function refresh(): Promise<void> {
    const devices = mediaDevices()
    if (!devices?.enumerateDevices)
      return
    let list: MediaDeviceInfo[]
    try {
      list = await devices.enumerateDevices()
    }
    catch {
      return
    }
    const ofKind = (kind: MediaDeviceKind): AudioDevice[] => list
      .filter(d => d.kind === kind && d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || t(kind === 'audioinput' ? 'devices.unnamedMicrophone' : 'devices.unnamedSpeaker', { n: i + 1 }) }))
    labelsKnown.value = list.some(d => d.label !== '')
    inputs.value = ofKind('audioinput')
    outputs.value = ofKind('audiooutput')
    // Without permission the browser hides the devices: nothing can be said to be gone.
    if (!labelsKnown.value)
      return
    const gone: string[] = []
    const next = { ...chosen.value }
    for (const role of ['input', 'output', 'ringer'] as const) {
      const device = next[role]
      const pool = role === 'input' ? inputs.value : outputs.value
      if (device && !pool.some(d => d.deviceId === device.deviceId)) {
        gone.push(t('notice.deviceGone', { device: device.label || t('notice.chosenDevice', { role: ROLE_NAMES[role]() }), role: ROLE_NAMES[role]() }))
        next[role] = null
      }
    }
    if (gone.length === 0)
      return
    const inputGone = chosen.value.input !== null && next.input === null
    chosen.value = next
    save()
    if (inputGone)
      await applyInput(null)
    notify(t('notice.devicesGone', { devices: formatList(gone) }, gone.length))
  }

  function select(role: DeviceRole, deviceId: string): void {
    const pool = role === 'input' ? inputs.value : outputs.value
    const device = deviceId === '' ? null : (pool.find(d => d.deviceId === deviceId) ?? { deviceId, label: '' })
    chosen.value = { ...chosen.value, [role]: device }
    save()
    if (role === 'input')
      void applyInput(device?.deviceId ?? null)
  }

  /** Lists the devices, applies the remembered microphone and follows plug/unplug. Once. */
  async function start(): Promise<void> {
    if (started)
      return
    started = true
    if (chosen.value.input)
      await applyInput(chosen.value.input.deviceId)
    mediaDevices()?.addEventListener?.('devicechange', () => void refresh())
    await refresh()
  }

  return { inputs, outputs, input, output, ringer, labelsKnown, outputSelectable, refresh, select, start }
})
