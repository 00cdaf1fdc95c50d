/**
 * Several of our frames in one "browser profile" for unit tests: one in-memory channel bus, one
 * in-memory Web Locks registry, and per frame its own keys, its own `webLocksElection` and a
 * `FakeSip` as the local phone it builds when it owns the phone. Everything in src/frames is the
 * real code; only the browser (BroadcastChannel, navigator.locks) and sip.js are stood in for.
 */
import type { OwnerElection } from '@/frames/election'
import { leaseElection, webLocksElection } from '@/frames/election'
import type { FramePhone } from '@/frames/framePhone'
import { createFramePhone } from '@/frames/framePhone'
import type { FrameLocation } from '@/frames/protocol'
import { createFrameKeys } from '@/frames/sealedBox'
import { SIP_EVENT_NAMES } from '@/sip/events'
import type { CallLabel, SipEventName } from '@/sip/types'
import { CallError } from '@/sip/types'
import { FakeSip } from '../fakes'
import type { Bus, TestChannel } from './bus'
import { createBus } from './bus'
import { LockRegistry } from './locks'

export const LOCK = 'softphone:phone:pbx.test:ws://pbx.test/ws'

/**
 * FakeSip that, like the real adapter, says `registering` as a REGISTER goes out, refuses a call
 * while not registered (`outboundCall.ts`: CallError 'not-registered') and emits `callStarted`
 * (label echoed) just before `call()` resolves.
 */
export class LocalSip extends FakeSip {
  registered = false
  /** A register() is held by `holdRegistration()`. */
  registering = false
  private gate: Promise<void> | null = null

  constructor() {
    super()
    const { call, register, unregister } = this
    this.register = async (credentials) => {
      // The real adapter says so as the REGISTER goes out (registration.ts).
      this.emit('registration', { state: 'registering' })
      const gate = this.gate
      this.gate = null
      if (gate) {
        this.registering = true
        await gate
        this.registering = false
      }
      await register(credentials)
      this.registered = true
    }
    this.unregister = async () => {
      this.registered = false
      await unregister()
    }
    this.call = async (target: string, label?: CallLabel) => {
      if (!this.registered)
        throw new CallError('not-registered', 'not signed in')
      const started = await call(target)
      this.emit('callStarted', { callId: started.callId, target, ...(label ? { label } : {}) })
      return started
    }
  }

  /** Keeps the next register() pending until the returned function is called (a REGISTER still on the wire). */
  holdRegistration(): () => void {
    let release!: () => void
    this.gate = new Promise<void>((resolve) => {
      release = resolve
    })
    return release
  }
}

export interface HeardEvent {
  event: SipEventName
  payload: Record<string, unknown>
  /** `phone.replaying()` when the stores heard it. */
  replaying: boolean
}

export interface TestFrame {
  id: string
  phone: FramePhone
  channel: TestChannel
  election: OwnerElection
  /** The local phones this frame built (one each time it became the owner). */
  locals: LocalSip[]
  /** The current local phone (throws when this frame never owned the phone). */
  readonly local: LocalSip
  /** Every event this frame's stores heard. */
  heard: HeardEvent[]
  heardOf: (event: SipEventName) => HeardEvent[]
  location: FrameLocation
}

export interface FrameOptions {
  location?: FrameLocation
  /** An election made earlier (to order the lock queue apart from the frames' arrival). */
  election?: OwnerElection
  /** Elect with the lease over the channel (where the browser denies Web Locks), the calling window first. */
  lease?: boolean
  commandTimeoutMs?: number
  credentialsWaitMs?: number
  joinWaitMs?: number
  now?: () => number
  /** Called with each local phone this frame builds, before it is used (e.g. `holdRegistration`). */
  onLocal?: (sip: LocalSip) => void
}

export interface Profile {
  bus: Bus
  locks: LockRegistry
  frames: TestFrame[]
  /** An election for `id`, queued for the lock now. */
  electionFor: (id: string) => OwnerElection
  frame: (id: string, options?: FrameOptions) => Promise<TestFrame>
  disposeAll: () => Promise<void>
}

export function createProfile(): Profile {
  const bus = createBus()
  const locks = new LockRegistry()
  const frames: TestFrame[] = []
  const electionFor = (id: string): OwnerElection => webLocksElection(locks.manager(id), LOCK)
  return {
    bus,
    locks,
    frames,
    electionFor,
    async frame(id, options = {}) {
      const keys = await createFrameKeys()
      const channel = bus.channel(id)
      const election = options.election
        ?? (options.lease ? leaseElection(channel, () => (frame.location === 'window' ? 2 : 1)) : electionFor(id))
      const locals: LocalSip[] = []
      const heard: HeardEvent[] = []
      const frame = {
        id,
        channel,
        election,
        locals,
        heard,
        location: options.location ?? 'remote',
        get local(): LocalSip {
          const local = locals.at(-1)
          if (!local)
            throw new Error(`${id} never owned the phone`)
          return local
        },
        heardOf: (event: SipEventName) => heard.filter(h => h.event === event),
      } as TestFrame
      frame.phone = createFramePhone({
        channel,
        election,
        keys,
        createLocal: () => {
          const sip = new LocalSip()
          options.onLocal?.(sip)
          locals.push(sip)
          return sip
        },
        location: () => frame.location,
        commandTimeoutMs: options.commandTimeoutMs,
        credentialsWaitMs: options.credentialsWaitMs,
        joinWaitMs: options.joinWaitMs,
        now: options.now,
      })
      for (const event of SIP_EVENT_NAMES)
        frame.phone.on(event, payload => heard.push({ event, payload: payload as Record<string, unknown>, replaying: frame.phone.replaying() }))
      frames.push(frame)
      return frame
    },
    async disposeAll() {
      await Promise.all(frames.splice(0).map(f => f.phone.dispose()))
    },
  }
}
