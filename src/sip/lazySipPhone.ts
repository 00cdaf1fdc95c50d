/**
 * The SIP adapter, loaded in parallel with the first paint: sip.js is most of the
 * bundle, and nothing needs it before the agent signs in. `createLazySipPhone()` starts
 * the download (`loadSipPhone()`, once) and returns a `SipPhone` at once that forwards
 * to the real one as soon as it is there. Once loaded, every call goes straight through.
 */
import type { createSipPhone as CreateSipPhone } from './createSipPhone'
import { createEventHub, SIP_EVENT_NAMES } from './events'
import { RegistrationError } from './types'
import type { SipEventName, SipPhone, SipPhoneEvents, SipPhoneOptions } from './types'
import { t } from '@/i18n'

type Factory = typeof CreateSipPhone
type Loader = () => Promise<Factory>

let loading: Promise<Factory> | undefined

/** Starts (once) downloading the sip.js-backed adapter. */
export function loadSipPhone(): Promise<Factory> {
  loading ??= import('./createSipPhone').then(module => module.createSipPhone)
  return loading
}


export function createLazySipPhone(options: SipPhoneOptions, load: Loader = loadSipPhone): SipPhone {
  const listeners = createEventHub((event, error) => console.error(`[softphone] A "${event}" handler threw`, error))
  let real: SipPhone | undefined
  let audioElement: HTMLAudioElement | null = null
  let available = true
  let inputDeviceId: string | null = null
  let disposed = false

  function forward<K extends SipEventName>(phone: SipPhone, event: K): void {
    phone.on(event, (payload: SipPhoneEvents[K]) => listeners.emit(event, payload))
  }

  const ready: Promise<SipPhone> = load().then((create) => {
    const phone = create(options)
    for (const event of SIP_EVENT_NAMES)
      forward(phone, event)
    if (audioElement)
      phone.setRemoteAudioElement(audioElement)
    if (!available)
      phone.setAvailable(false)
    if (inputDeviceId !== null)
      phone.setInputDevice(inputDeviceId).catch(() => {})
    real = phone
    if (disposed)
      void phone.dispose()
    return phone
  })
  // A failed load surfaces in the first method that needs the phone; the cause goes to the console.
  ready.catch((error: unknown) => console.error('[softphone] The SIP adapter could not be loaded', error))

  async function phone(): Promise<SipPhone> {
    if (real)
      return real
    if (disposed)
      throw new RegistrationError({ kind: 'rejected', message: t('sip.shutDown') })
    try {
      return await ready
    }
    catch {
      throw new RegistrationError({ kind: 'transport', message: t('sip.loadFailed') })
    }
  }

  return {
    register: async (credentials) => {
      let p: SipPhone
      try {
        p = await phone()
      }
      catch (error) {
        if (error instanceof RegistrationError) {
          for (const handler of listeners.handlers('registration'))
            handler({ state: 'failed', failure: error.failure })
        }
        throw error
      }
      return p.register(credentials)
    },
    unregister: async () => {
      if (real)
        return real.unregister()
      for (const handler of listeners.handlers('registration'))
        handler({ state: 'unregistered' })
    },
    // Only reachable once registered, i.e. loaded: no extra hop on the dial path.
    call: (target, label) => real ? real.call(target, label) : phone().then(p => p.call(target, label)),
    hangup: async () => real?.hangup(),
    setMuted: muted => real?.setMuted(muted),
    setRemoteAudioElement: (element) => {
      audioElement = element
      real?.setRemoteAudioElement(element)
    },
    hold: held => phone().then(p => p.hold(held)),
    sendDtmf: tones => phone().then(p => p.sendDtmf(tones)),
    transfer: target => phone().then(p => p.transfer(target)),
    answer: () => phone().then(p => p.answer()),
    decline: statusCode => real ? real.decline(statusCode) : Promise.resolve(),
    setAvailable: (value) => {
      available = value
      real?.setAvailable(value)
    },
    // in-call controls: only reachable during a call, i.e. once loaded
    startConsultation: target => phone().then(p => p.startConsultation(target)),
    completeTransfer: () => phone().then(p => p.completeTransfer()),
    cancelConsultation: async () => real?.cancelConsultation(),
    setInputDevice: async (deviceId) => {
      inputDeviceId = deviceId
      return real?.setInputDevice(deviceId)
    },
    sampleStats: async () => real ? real.sampleStats() : null,
    on: listeners.on,
    dispose: async () => {
      if (disposed)
        return
      disposed = true
      audioElement = null
      if (real)
        await real.dispose()
      listeners.clear()
    },
  }
}
