/**
 * Fakes at the adapter boundary: they implement the ports' interfaces and record
 * what the store asked of them, so store and component tests can check every
 * SDK message and SIP action without sip.js or the SDK.
 */
import { createPinia, setActivePinia } from 'pinia'
import type { App } from 'vue'
import { createApp } from 'vue'
import { MemoryStorage } from '@/storage/browserStorage'
import type { AppConfig } from '@/domain/config'
import type { StatsSnapshot } from '@/domain/quality'
import type { DesktopNotifier, NotificationAccess } from '@/notifications/desktopNotifier'
import type { HubSpotEventHandler, HubSpotEventName, HubSpotEvents, HubSpotPort } from '@/hubspot/types'
import type { Ports } from '@/ports'
import { providePorts } from '@/ports'
import type { SipCredentials, SipEventHandler, SipEventName, SipPhone, SipPhoneEvents } from '@/sip/types'

export { MemoryStorage }

type Listeners = Map<string, Set<(payload: never) => void>>

function emitter<Events>() {
  const listeners: Listeners = new Map()
  return {
    on<K extends keyof Events & string>(event: K, handler: (payload: Events[K]) => void): () => void {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(handler as (payload: never) => void)
      return () => set.delete(handler as (payload: never) => void)
    },
    emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
      for (const handler of listeners.get(event) ?? [])
        (handler as (p: Events[K]) => void)(payload)
    },
    count(event: string): number {
      return listeners.get(event)?.size ?? 0
    },
  }
}

export interface SentMessage { type: string, data?: unknown }

export class FakeHubSpot implements HubSpotPort {
  readonly sent: SentMessage[] = []
  private readonly events = emitter<HubSpotEvents>()

  private record(type: string, data?: unknown): void {
    this.sent.push(data === undefined ? { type } : { type, data: structuredClone(data) })
  }

  initialized = (data: Parameters<HubSpotPort['initialized']>[0]) => this.record('initialized', data)
  userLoggedIn = () => this.record('userLoggedIn')
  userLoggedOut = () => this.record('userLoggedOut')
  outgoingCall = (data: Parameters<HubSpotPort['outgoingCall']>[0]) => this.record('outgoingCall', data)
  callAnswered = (data: Parameters<HubSpotPort['callAnswered']>[0]) => this.record('callAnswered', data)
  callTransferred = (data: Parameters<HubSpotPort['callTransferred']>[0]) => this.record('callTransferred', data)
  incomingCall = (data: Parameters<HubSpotPort['incomingCall']>[0]) => this.record('incomingCall', data)
  navigateToRecord = (data: Parameters<HubSpotPort['navigateToRecord']>[0]) => this.record('navigateToRecord', data)
  userAvailable = () => this.record('userAvailable')
  userUnavailable = () => this.record('userUnavailable')
  callEnded = (data: Parameters<HubSpotPort['callEnded']>[0]) => this.record('callEnded', data)
  callCompleted = (data: Parameters<HubSpotPort['callCompleted']>[0]) => this.record('callCompleted', data)
  sendError = (data: Parameters<HubSpotPort['sendError']>[0]) => this.record('sendError', data)
  resizeWidget = (data: Parameters<HubSpotPort['resizeWidget']>[0]) => this.record('resizeWidget', data)
  dispose = () => this.record('dispose')

  on = <K extends HubSpotEventName>(event: K, handler: HubSpotEventHandler<K>) => this.events.on(event, handler)
  emit<K extends HubSpotEventName>(event: K, payload: HubSpotEvents[K]): void {
    this.events.emit(event, payload)
  }

  types(): string[] {
    return this.sent.map(m => m.type)
  }

  last(type: string): unknown {
    return [...this.sent].reverse().find(m => m.type === type)?.data
  }
}

export class FakeSip implements SipPhone {
  readonly actions: string[] = []
  credentials: SipCredentials | null = null
  /** Set to make the next register() reject with this error. */
  registerError: Error | null = null
  callError: Error | null = null
  /** Set to make the next answer() reject with this error. */
  answerError: Error | null = null
  nextCallId = 'call-1@test'
  audio: HTMLAudioElement | null = null
  private readonly events = emitter<SipPhoneEvents>()

  register = async (credentials: SipCredentials) => {
    this.actions.push(`register:${credentials.user}`)
    this.credentials = credentials
    if (this.registerError)
      throw this.registerError
    this.emit('registration', { state: 'registered' })
  }

  unregister = async () => {
    this.actions.push('unregister')
    this.emit('registration', { state: 'unregistered' })
  }

  call = async (target: string) => {
    this.actions.push(`call:${target}`)
    if (this.callError)
      throw this.callError
    return { callId: this.nextCallId }
  }

  hangup = async () => {
    this.actions.push('hangup')
  }

  hold = async (held: boolean) => {
    this.actions.push(`hold:${held}`)
    if (this.holdError)
      throw this.holdError
  }

  sendDtmf = async (tones: string) => {
    this.actions.push(`dtmf:${tones}`)
  }

  transfer = async (target: string) => {
    this.actions.push(`transfer:${target}`)
    if (this.transferError)
      throw this.transferError
  }

  answer = async () => {
    this.actions.push('answer')
    if (this.answerError)
      throw this.answerError
  }

  decline = async (statusCode?: 480 | 486 | 603) => {
    this.actions.push(`decline:${statusCode ?? 603}`)
  }

  setAvailable = (available: boolean) => {
    this.actions.push(`available:${available}`)
  }

  setMuted = (muted: boolean) => {
    this.actions.push(`mute:${muted}`)
  }

  setRemoteAudioElement = (element: HTMLAudioElement | null) => {
    this.audio = element
  }

  dispose = async () => {
    this.actions.push('dispose')
  }

  // in-call controls
  consultationError: Error | null = null
  transferError: Error | null = null
  holdError: Error | null = null
  inputDevice: string | null = null
  /** What sampleStats() returns next (then it keeps returning it). */
  stats: StatsSnapshot | null = null

  startConsultation = async (target: string) => {
    this.actions.push(`consult:${target}`)
    if (this.consultationError)
      throw this.consultationError
    return { callId: 'consult-1@test' }
  }

  completeTransfer = async () => {
    this.actions.push('completeTransfer')
    if (this.transferError)
      throw this.transferError
  }

  cancelConsultation = async () => {
    this.actions.push('cancelConsultation')
  }

  setInputDevice = async (deviceId: string | null) => {
    this.actions.push(`input:${deviceId}`)
    this.inputDevice = deviceId
  }

  sampleStats = async () => this.stats

  on = <K extends SipEventName>(event: K, handler: SipEventHandler<K>) => this.events.on(event, handler)
  emit<K extends SipEventName>(event: K, payload: SipPhoneEvents[K]): void {
    this.events.emit(event, payload)
  }
}

/** The desktop-notification port: records what was shown and closed; the page's visibility is set by the test. */
export class FakeNotifier implements DesktopNotifier {
  permission: NotificationAccess = 'default'
  /** What `request()` turns `default` into (the agent's answer to the browser's prompt). */
  answer: NotificationAccess = 'granted'
  hidden = false
  readonly shown: { title: string, body: string, tag: string, onClick: () => void, closed: boolean }[] = []
  private readonly listeners = new Set<() => void>()

  access = () => this.permission
  request = async () => {
    if (this.permission === 'default')
      this.permission = this.answer
    return this.permission
  }

  show = (title: string, options: { body: string, tag: string, onClick: () => void }) => {
    if (this.permission !== 'granted')
      return null
    const notice = { title, ...options, closed: false }
    this.shown.push(notice)
    return { close: () => { notice.closed = true } }
  }

  private readonly accessListeners = new Set<() => void>()
  onAccessChange = (listener: () => void) => {
    this.accessListeners.add(listener)
    return () => this.accessListeners.delete(listener)
  }

  /** The browser's answer changed outside the page (its settings, a prompt answered later). */
  setPermission(permission: NotificationAccess): void {
    this.permission = permission
    this.accessListeners.forEach(listener => listener())
  }

  pageHidden = () => this.hidden
  onVisibilityChange = (listener: () => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  setHidden(hidden: boolean): void {
    this.hidden = hidden
    this.listeners.forEach(listener => listener())
  }
}

export const testConfig: AppConfig = {
  pbxUrl: 'ws://127.0.0.1:8088/ws',
  sipDomain: 'pbx.test',
  iceServers: [],
  defaultCountry: 'GB',
  ringTimeoutSeconds: 45,
  callReconnectSeconds: 30,
  debug: false,
}

export interface Harness extends Ports {
  sip: FakeSip
  hubspot: FakeHubSpot
  storage: MemoryStorage
  notifier: FakeNotifier
  app: App
  clock: { now: number }
}

/** An app with fake ports and an active Pinia, for store tests without components. */
export function createHarness(overrides: { config?: Partial<AppConfig>, storage?: MemoryStorage, afterTask?: (step: () => void) => void } = {}): Harness {
  const clock = { now: 1_700_000_000_000 }
  const ports = {
    sip: new FakeSip(),
    hubspot: new FakeHubSpot(),
    storage: overrides.storage ?? new MemoryStorage('local'),
    config: { ...testConfig, ...overrides.config },
    notifier: new FakeNotifier(),
    now: () => clock.now,
    // What the call store defers to the next task runs at once here; tests of the deferral pass their own.
    afterTask: overrides.afterTask ?? ((step: () => void) => step()),
  }
  const app = createApp({ render: () => null })
  const pinia = createPinia()
  app.use(pinia)
  providePorts(app, ports)
  setActivePinia(pinia)
  return { ...ports, app, clock }
}
