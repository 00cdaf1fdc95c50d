/**
 * One phone per agent, whatever the number of our frames HubSpot has open (the calling remote of
 * every HubSpot tab, the calling window, a record-page widget): the `SipPhone` every frame's stores
 * get. In the frame that owns the phone (see `election.ts`) it is the local adapter (sip.js, the
 * microphone, the peer connection); in every other frame it is a remote control of that one,
 * over the frame channel: methods run on the owner, its events arrive here. The stores cannot
 * tell the two apart; ownership may move between them at run time (a hand-over), never during a call
 * — a call lives where its media is.
 *
 * Rules (issue "one phone per agent across HubSpot's frames"):
 * - the calling window owns the phone whenever one exists: it asks (`handover-request`), the owner
 *   hands over once idle (unREGISTERs, seals the credentials for it, releases the lock);
 * - the password goes only to the owner (sealed for it, `sealedBox.ts`), and to one standby frame
 *   as a sealed copy, so that when the owner's frame goes away the next owner REGISTERs without
 *   asking the agent; it is never stored;
 * - every event is recorded with when it happened, so a frame that arrives (or reloads) mid-call
 *   replays the registration and the call so far and shows the same screen, timer included;
 * - who tells HubSpot about a call (its reporter) is decided when the call starts: the calling
 *   window when one is open (HubSpot's demo-react-ts `useCti.ts`), else the frame whose HubSpot or
 *   dialpad asked for the outbound call, else (inbound) the owner.
 */
import { t } from '@/i18n'
import { createEventHub, SIP_EVENT_NAMES } from '@/sip/events'
import type { CallLabel, SipCredentials, SipEventName, SipPhone, SipPhoneEvents } from '@/sip/types'
import { CallError, RegistrationError } from '@/sip/types'
import type { FrameChannel } from './channel'
import type { OwnerElection } from './election'
import type { FrameEnvelope, FrameLocation, PhoneEventRecord, PhoneMethod, WireError } from './protocol'
import type { FrameKeys, SealedBox } from './sealedBox'

/** The local adapter as main.ts builds it (lazy sip.js + reconnection). */
export interface LocalPhone extends SipPhone {
  reconnectNow?: () => void
}

export interface FramePhoneOptions {
  channel: FrameChannel
  election: OwnerElection
  keys: FrameKeys
  /** Builds this frame's own phone when it becomes the owner. */
  createLocal: () => LocalPhone
  /** Where HubSpot shows this frame (SYNC's iframeLocation), as known now. */
  location: () => FrameLocation
  now?: () => number
  /** How long a frame waits for the owner to answer a command (ms). Default 15 000. */
  commandTimeoutMs?: number
  /** How long a new owner waits for the standby's credentials before asking the agent (ms). Default 2 000. */
  credentialsWaitMs?: number
  /** How long a new frame waits to learn the phone's state before its stores take it as signed out (ms). Default JOIN_WAIT_MS. */
  joinWaitMs?: number
  /** Whether HubSpot said it uses a calling window (SYNC's `usesCallingWindow`), as known now. */
  usesCallingWindow?: () => boolean
  /** Debug log of ownership changes and hand-overs (config `debug`). */
  log?: (message: string) => void
}

export interface FramePhone extends SipPhone {
  readonly frameId: string
  isOwner: () => boolean
  /** The frame that tells HubSpot about `callId` (a frame id), when known. */
  reporterOf: (callId: string) => string | undefined
  /** True while a frame that just arrived replays what happened before it (HubSpot heard it already). */
  replaying: () => boolean
  /** HubSpot told this frame where it is (SYNC): the calling window asks for the phone. */
  locationChanged: () => void
  /** Calls `handler` whenever who reports a call changes (frameHubSpot sends what waited for it). */
  onReporterChange: (handler: () => void) => () => void
  /** `withReconnect`'s "try now" (the browser is back online), on the owner. */
  reconnectNow: () => void
  /**
   * Whether this frame knows the phone's state: the owner's snapshot was replayed here, or this
   * frame took the phone (and its registration, if the agent had one), or `joinWaitMs` passed.
   * Until then its stores have heard nothing and would show the sign-in form of a signed-out agent.
   */
  joined: () => boolean
  /** Calls `handler` once, when the frame has joined (never if it already has). */
  onJoined: (handler: () => void) => () => void
}

/** The events that belong to a call (replayed to a frame that arrives mid-call). */
const CALL_EVENTS: readonly SipEventName[] = ['callProgress', 'callAnswered', 'callReconnecting', 'callReconnected', 'consultation', 'muted', 'held']
/** Events whose replay carries the original time, so timers agree across frames. */
const TIMED_EVENTS: readonly SipEventName[] = ['callStarted', 'incomingCall', 'callAnswered', 'callEnded']
const MAX_REPORTERS = 20
/** The reporter of an outbound call while the calling window HubSpot is opening for it has not said hello. */
export const CALLING_WINDOW = 'calling-window'
/** How long such a call's facts wait for the calling window's frame (ms). */
export const WINDOW_WAIT_MS = 5000
/** How long an owner that handed over waits for the calling window to take the phone (ms). */
const HANDOVER_TAKE_MS = 3000
/**
 * How long a new frame waits to learn the phone's state (ms): the owner answers a frame's hello within
 * milliseconds; without an answer (no other frame, or an election over the lease still running) the
 * frame shows what its own stores know, the sign-in form of a signed-out agent.
 */
export const JOIN_WAIT_MS = 1000

/** What the agent reads when a command from this frame fails (written when it fails, in the agent's language). */
const LOST = (): string => t('frames.lost')
const MOVED = (): string => t('frames.moved')
const NO_OWNER = (): string => t('frames.noOwner')

function toWireError(error: unknown): WireError {
  if (error instanceof RegistrationError)
    return { name: error.name, message: error.message, failure: { ...error.failure } }
  if (error instanceof CallError)
    return { name: error.name, message: error.message, kind: error.kind }
  return { name: 'Error', message: error instanceof Error ? error.message : String(error) }
}

function fromWireError(error: WireError): Error {
  if (error.name === 'RegistrationError' && error.failure) {
    const kind = ['auth', 'transport', 'rejected'].includes(error.failure.kind) ? error.failure.kind as 'auth' | 'transport' | 'rejected' : 'rejected'
    return new RegistrationError({ kind, message: error.failure.message, statusCode: error.failure.statusCode })
  }
  if (error.name === 'CallError' && error.kind)
    return new CallError(error.kind as CallError['kind'], error.message)
  return new Error(error.message)
}

function callIdOf(payload: unknown): string | undefined {
  return typeof payload === 'object' && payload !== null && 'callId' in payload && typeof payload.callId === 'string' ? payload.callId : undefined
}

export function createFramePhone(options: FramePhoneOptions): FramePhone {
  const { channel, election, keys, createLocal, location } = options
  const now = options.now ?? Date.now
  const commandTimeoutMs = options.commandTimeoutMs ?? 15_000
  const credentialsWaitMs = options.credentialsWaitMs ?? 2000
  const frameId = channel.frameId
  const log_ = options.log ?? (() => {})
  const hub = createEventHub((event, error) => console.error(`[softphone] A "${event}" handler threw`, error))

  // --- every frame ---------------------------------------------------------------------------
  const peers = new Map<string, { location: FrameLocation, publicKey: JsonWebKey }>()
  const reporters = new Map<string, string>()
  let owner: { id: string, key: JsonWebKey, location: FrameLocation } | null = null
  let replayingNow = false
  /**
   * The owner whose snapshot this frame replayed (null until one, and again when the owner changes):
   * the owner answers every `hello` with a snapshot, and a frame says hello more than once (on load,
   * on learning the owner, on learning its location), but the stores must hear the call so far once —
   * a second `incomingCall` finds the call ringing and would decline it 486.
   */
  let replayedFrom: string | null = null
  /** The last registration this frame saw, so a new owner knows whether the agent was signed in. */
  let wasRegistered = false
  /** The call this frame's stores were told of and not told the end of (its SIP Call-ID). */
  let shownCall: string | null = null
  let audioElement: HTMLAudioElement | null = null
  let inputDeviceId: string | null = null
  let disposed = false

  let joined = false
  const joinedHandlers = new Set<() => void>()
  function markJoined(): void {
    if (joined)
      return
    joined = true
    clearTimeout(joinTimer)
    for (const handler of [...joinedHandlers])
      handler()
    joinedHandlers.clear()
  }
  const joinTimer = setTimeout(markJoined, options.joinWaitMs ?? JOIN_WAIT_MS)

  const reporterHandlers = new Set<() => void>()
  function setReporter(callId: string, reporter: string): void {
    const was = reporters.get(callId)
    reporters.delete(callId)
    reporters.set(callId, reporter)
    if (reporters.size > MAX_REPORTERS)
      reporters.delete(reporters.keys().next().value as string)
    if (was !== reporter) {
      for (const handler of [...reporterHandlers])
        handler()
    }
  }
  /**
   * An outbound call HubSpot asked for while it uses a calling window but none of ours is open yet
   * (HubSpot opens it for this call): its facts wait for the window's frame, which reports it (HubSpot's rule:
   * with a calling window the remote sends no call messages); after WINDOW_WAIT_MS without one, the
   * frame that dialed reports it.
   */
  function awaitWindow(callId: string, fallback: string): void {
    setTimeout(() => {
      if (reporters.get(callId) === CALLING_WINDOW && election.isOwner) {
        setReporter(callId, fallback)
        announce()
      }
    }, WINDOW_WAIT_MS)
  }
  function windowArrived(windowId: string): void {
    let changed = false
    for (const [callId, reporter] of [...reporters]) {
      if (reporter === CALLING_WINDOW) {
        setReporter(callId, windowId)
        changed = true
      }
    }
    if (changed)
      announce()
  }
  function deliver(event: SipEventName, payload: unknown): void {
    if (event === 'registration') {
      const state = (payload as SipPhoneEvents['registration']).state
      if (state === 'registered')
        wasRegistered = true
      else if (state === 'unregistered' || (state === 'failed' && !(payload as SipPhoneEvents['registration']).reconnect))
        wasRegistered = false
      if (!wasRegistered)
        standbyBox = null
    }
    if (event === 'callStarted' || event === 'incomingCall')
      shownCall = callIdOf(payload) ?? null
    else if (event === 'callEnded' && callIdOf(payload) === shownCall)
      shownCall = null
    hub.emit(event, payload as never)
  }

  // --- the owner -----------------------------------------------------------------------------
  let local: LocalPhone | null = null
  let localOffs: Array<() => void> = []
  let credentials: SipCredentials | null = null
  /** The registration, availability and the current call, as they happened (for arriving frames). */
  let log: PhoneEventRecord[] = []
  let callRequester: string | null = null
  let pendingHandover: { to: string, publicKey: JsonWebKey } | null = null
  let standbyId: string | null = null
  let available = true

  /**
   * Set while the phone changes frames through this one: from the moment this frame owns the phone
   * until its REGISTER is answered (or there is nothing to register), and in an owner handing the
   * phone to the calling window, from its unREGISTER until the window took the lock (or it did not,
   * and the phone started here again). The stores were never told the agent signed out, so the
   * agent may dial then: the call waits for this instead of finding no registration.
   */
  let moving: { done: Promise<void>, end: () => void } | null = null
  function startMoving(): void {
    if (moving)
      return
    let end!: () => void
    const done = new Promise<void>((resolve) => {
      end = resolve
    })
    moving = { done, end }
  }
  function stopMoving(): void {
    moving?.end()
    moving = null
  }
  /** Resolves once the phone is settled in a frame (at most `commandTimeoutMs`). */
  async function untilSettled(): Promise<void> {
    if (!moving)
      return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([moving.done, new Promise<void>((resolve) => {
      timer = setTimeout(resolve, commandTimeoutMs)
    })])
    clearTimeout(timer)
  }

  const callUp = (): boolean => log.some(r => r.event === 'callStarted' || r.event === 'incomingCall')
  const windowFrame = (): string | undefined =>
    location() === 'window' ? frameId : [...peers].find(([, peer]) => peer.location === 'window')?.[0]

  function remember(record: PhoneEventRecord): void {
    const { event } = record
    if (event === 'registration' || event === 'availability')
      log = [...log.filter(r => r.event !== event), record]
    else if (event === 'callStarted' || event === 'incomingCall')
      log = [...log.filter(r => r.event === 'registration' || r.event === 'availability'), record]
    else if (event === 'callEnded')
      log = log.filter(r => r.event === 'registration' || r.event === 'availability')
    else if (CALL_EVENTS.includes(event) && callUp())
      log.push(record)
  }

  /** An event of the owner's phone: remembered, told to every frame, then to this frame's stores. */
  function ownerEmit(event: SipEventName, payload: unknown): void {
    // The phone taking up the agent's registration in this frame (a hand-over, or the owner's frame
    // gone) says `registering` as its REGISTER goes out: the agent never signed out, and no frame
    // may show the sign-in form meanwhile (a number being typed in the dialer would be lost with it).
    // What follows (registered, or a failure) is told as usual.
    if (event === 'registration' && moving && wasRegistered && (payload as SipPhoneEvents['registration']).state === 'registering')
      return
    let value = payload
    if (event === 'registration' && (payload as SipPhoneEvents['registration']).state === 'registered' && credentials)
      value = { ...(payload as object), identity: { user: credentials.user, displayName: credentials.displayName } }
    const callId = callIdOf(value)
    if (callId && event === 'callStarted')
    {
      const window = windowFrame()
      const requestedBy = (value as SipPhoneEvents['callStarted']).label?.requestedBy
      if (window === undefined && requestedBy === 'hubspot' && options.usesCallingWindow?.()) {
        setReporter(callId, CALLING_WINDOW)
        awaitWindow(callId, callRequester ?? frameId)
      }
      else {
        setReporter(callId, window ?? callRequester ?? frameId)
      }
    }
    else if (callId && event === 'incomingCall')
      setReporter(callId, windowFrame() ?? frameId)
    const record: PhoneEventRecord = { event, payload: value, at: now() }
    remember(record)
    channel.post({ type: 'event', record, reporter: callId ? reporters.get(callId) : undefined })
    deliver(event, value)
    if (event === 'callEnded')
      queueMicrotask(() => void maybeHandOver())
  }

  function localPhone(): LocalPhone {
    if (local)
      return local
    const phone = createLocal()
    localOffs = SIP_EVENT_NAMES.map(event => phone.on(event, payload => ownerEmit(event, payload)))
    if (audioElement)
      phone.setRemoteAudioElement(audioElement)
    if (inputDeviceId !== null)
      phone.setInputDevice(inputDeviceId).catch(() => {})
    if (!available)
      phone.setAvailable(false)
    local = phone
    return phone
  }

  /** Stops this frame's phone without its stores hearing it (the phone lives on in another frame). */
  async function stopLocal(): Promise<void> {
    const phone = local
    local = null
    for (const off of localOffs)
      off()
    localOffs = []
    credentials = null
    log = []
    if (phone) {
      await phone.unregister().catch(() => {})
      await phone.dispose().catch(() => {})
    }
  }

  function announce(): void {
    channel.post({ type: 'owner', location: location(), publicKey: keys.publicKey, idle: !callUp(), reporters: [...reporters] })
  }
  /** Frames that said goodbye (closed or reloaded; a reload comes back as a new frame). */
  const departed = new Set<string>()
  /**
   * The owner reports the calls whose reporter's frame is gone (closed, reloaded): HubSpot still hears
   * how they end and the agent's Save (a reloaded tab is a new frame). Returns whether any changed.
   */
  function adoptOrphanedCalls(): boolean {
    let changed = false
    for (const [callId, reporter] of [...reporters]) {
      if (reporter !== frameId && departed.has(reporter)) {
        setReporter(callId, frameId)
        changed = true
      }
    }
    return changed
  }

  /** Peers whose public key cannot be sealed for (a frame of another build): never the standby. */
  const unusable = new Set<string>()

  /** Seals the credentials for the standby frame (the one kept, else the first peer whose key works). */
  async function shareStandby(): Promise<void> {
    const creds = credentials
    if (!creds || !election.isOwner)
      return
    const kept = standbyId !== null && peers.has(standbyId) ? [standbyId] : []
    const candidates = [...kept, ...[...peers.keys()].filter(id => id !== standbyId && !unusable.has(id))]
    for (const id of candidates) {
      const peer = peers.get(id)
      if (!peer)
        continue
      let sealed: SealedBox
      try {
        sealed = await keys.seal(peer.publicKey, JSON.stringify(creds))
      }
      catch {
        unusable.add(id)
        continue
      }
      if (credentials !== creds || !election.isOwner)
        return
      standbyId = id
      channel.post({ type: 'standby', to: id, credentials: sealed })
      return
    }
    standbyId = null
  }

  const owned: SipPhone = {
    register: async (creds) => {
      credentials = creds
      try {
        await localPhone().register(creds)
      }
      catch (error) {
        credentials = null
        throw error
      }
      void shareStandby()
    },
    unregister: async () => {
      credentials = null
      standbyId = null
      await localPhone().unregister()
    },
    call: async (target, label) => localPhone().call(target, label),
    hangup: async () => local?.hangup(),
    setMuted: (muted) => {
      localPhone().setMuted(muted)
      ownerEmit('muted', { muted })
    },
    setRemoteAudioElement: element => local?.setRemoteAudioElement(element),
    hold: async (held) => {
      await localPhone().hold(held)
      ownerEmit('held', { held })
    },
    sendDtmf: tones => localPhone().sendDtmf(tones),
    transfer: target => localPhone().transfer(target),
    answer: () => localPhone().answer(),
    decline: async statusCode => local?.decline(statusCode),
    setAvailable: (value) => {
      available = value
      localPhone().setAvailable(value)
      ownerEmit('availability', { available: value })
    },
    startConsultation: target => localPhone().startConsultation(target),
    completeTransfer: () => localPhone().completeTransfer(),
    cancelConsultation: async () => local?.cancelConsultation(),
    setInputDevice: async (deviceId) => {
      inputDeviceId = deviceId
      return local?.setInputDevice(deviceId)
    },
    sampleStats: async () => local ? local.sampleStats() : null,
    on: hub.on,
    dispose: async () => {},
  }

  /** Runs a frame's command on this (owner) frame's phone. */
  async function execute(method: PhoneMethod, args: unknown[], from: string): Promise<unknown> {
    switch (method) {
      case 'register': {
        log_(`[frames] ${frameId} registers for ${from}`)
        const creds = JSON.parse(await keys.open(args[0] as SealedBox)) as SipCredentials
        return owned.register(creds)
      }
      case 'call':
        if (moving)
          await untilSettled()
        // The phone moved on meanwhile (this frame handed it to the calling window): dialed there.
        if (!election.isOwner)
          return remote.call(String(args[0]), args[1] as CallLabel | undefined)
        callRequester = from
        try {
          return await owned.call(String(args[0]), args[1] as CallLabel | undefined)
        }
        finally {
          callRequester = null
        }
      case 'setMuted': return owned.setMuted(args[0] === true)
      case 'hold': return owned.hold(args[0] === true)
      case 'setAvailable': return owned.setAvailable(args[0] !== false)
      case 'sendDtmf': return owned.sendDtmf(String(args[0]))
      case 'transfer': return owned.transfer(String(args[0]))
      case 'startConsultation': return owned.startConsultation(String(args[0]))
      case 'decline': return owned.decline(args[0] as 480 | 486 | 603 | undefined)
      case 'setInputDevice': return owned.setInputDevice(typeof args[0] === 'string' ? args[0] : null)
      case 'unregister': case 'hangup': case 'answer': case 'completeTransfer': case 'cancelConsultation': case 'sampleStats':
        return owned[method]()
    }
  }

  let handingOver = false
  /**
   * Hands the phone to the calling window once idle: stops it here (unREGISTER), seals the
   * credentials for the window and tells it to take the lock (`steal`). The lock stays held here
   * until then, so no other frame slips in between; if the window does not take it within
   * HANDOVER_TAKE_MS, this frame starts the phone again.
   */
  async function maybeHandOver(): Promise<void> {
    if (!pendingHandover || !election.isOwner || callUp() || handingOver)
      return
    const { to, publicKey } = pendingHandover
    pendingHandover = null
    handingOver = true
    log_(`[frames] ${frameId} hands the phone over to ${to}`)
    const creds = credentials
    // Sealed before the phone stops: a window whose key this build cannot use does not leave the agent without one.
    let sealed: SealedBox | undefined
    try {
      sealed = creds ? await keys.seal(publicKey, JSON.stringify(creds)) : undefined
    }
    catch (error) {
      handingOver = false
      log_(`[frames] ${frameId} cannot seal the credentials for ${to} (${String(error)}); the phone stays here`)
      return
    }
    if (!election.isOwner || disposed || callUp()) {
      // A call started meanwhile: the hand-over waits for its end.
      if (election.isOwner && !disposed)
        pendingHandover ??= { to, publicKey }
      handingOver = false
      return
    }
    startMoving()
    try {
      await stopLocal()
      channel.post({ type: 'handover-ready', to, credentials: sealed })
    }
    finally {
      handingOver = false
    }
    setTimeout(() => {
      if (election.isOwner && !local && !disposed) {
        log_(`[frames] ${frameId}: ${to} did not take the phone; it stays here`)
        retained = creds
        void becomeOwner()
      }
      else {
        stopMoving()
      }
    }, HANDOVER_TAKE_MS)
  }
  /** Credentials kept for a hand-over that did not happen. */
  let retained: SipCredentials | null = null

  // --- a mirror ------------------------------------------------------------------------------
  const pending = new Map<string, { resolve: (value: unknown) => void, reject: (error: Error) => void, timer: ReturnType<typeof setTimeout> }>()
  let ownerWaiters: Array<() => void> = []
  /** The credentials sealed for this frame: as the standby, or handed over. */
  let standbyBox: SealedBox | null = null
  let handoverBox: SealedBox | null = null
  let credentialsArrived: ((box: SealedBox) => void) | null = null

  function rejectPending(message: string): void {
    for (const [id, call] of pending) {
      clearTimeout(call.timer)
      call.reject(new CallError('no-call', message))
      pending.delete(id)
    }
  }

  function whenOwnerKnown(): Promise<void> {
    if (owner)
      return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ownerWaiters = ownerWaiters.filter(w => w !== done)
        reject(new CallError('no-call', NO_OWNER()))
      }, commandTimeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        resolve()
      }
      ownerWaiters.push(done)
    })
  }

  async function command(method: PhoneMethod, args: unknown[] = []): Promise<unknown> {
    await whenOwnerKnown()
    // This frame became the owner while the command waited for one: it runs here.
    if (election.isOwner)
      return execute(method, args, frameId)
    const to = owner!.id
    const id = crypto.randomUUID()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new CallError('no-call', NO_OWNER()))
      }, commandTimeoutMs)
      pending.set(id, { resolve, reject, timer })
      channel.post({ type: 'command', id, to, method, args })
    })
  }

  const remote: SipPhone = {
    register: async (creds) => {
      await whenOwnerKnown()
      if (election.isOwner)
        return owned.register(creds)
      const box = await keys.seal(owner!.key, JSON.stringify(creds))
      await command('register', [box])
    },
    unregister: async () => {
      await command('unregister').catch(() => {})
    },
    call: async (target, label) => command('call', label ? [target, label] : [target]) as Promise<{ callId: string }>,
    hangup: async () => {
      await command('hangup')
    },
    setMuted: (muted) => {
      command('setMuted', [muted]).catch(() => {})
    },
    setRemoteAudioElement: () => {},
    hold: async (held) => {
      await command('hold', [held])
    },
    sendDtmf: async (tones) => {
      await command('sendDtmf', [tones])
    },
    transfer: async (target) => {
      await command('transfer', [target])
    },
    answer: async () => {
      await command('answer')
    },
    decline: async (statusCode) => {
      await command('decline', statusCode === undefined ? [] : [statusCode])
    },
    setAvailable: (value) => {
      available = value
      command('setAvailable', [value]).catch(() => {})
    },
    startConsultation: async target => command('startConsultation', [target]) as Promise<{ callId: string }>,
    completeTransfer: async () => {
      await command('completeTransfer')
    },
    cancelConsultation: async () => {
      await command('cancelConsultation')
    },
    // The microphone the agent picks in any frame is the phone's (device ids are shared by our frames).
    setInputDevice: async (deviceId) => {
      inputDeviceId = deviceId
      await command('setInputDevice', [deviceId])
    },
    sampleStats: async () => command('sampleStats') as ReturnType<SipPhone['sampleStats']>,
    on: hub.on,
    dispose: async () => {},
  }

  function replay(records: PhoneEventRecord[], reporter: string | undefined): void {
    replayingNow = true
    try {
      for (const record of records) {
        const callId = callIdOf(record.payload)
        if (callId && reporter)
          setReporter(callId, reporter)
        const payload = TIMED_EVENTS.includes(record.event) ? { ...(record.payload as object), at: record.at } : record.payload
        deliver(record.event, payload)
      }
    }
    finally {
      replayingNow = false
    }
  }

  function hello(): void {
    channel.post({ type: 'hello', location: location(), publicKey: keys.publicKey })
  }

  function askForThePhone(): void {
    if (location() === 'window' && !election.isOwner && owner && owner.location !== 'window')
      channel.post({ type: 'handover-request', publicKey: keys.publicKey })
  }

  // --- ownership changes ---------------------------------------------------------------------
  async function becomeOwner(): Promise<void> {
    startMoving()
    try {
      await takeThePhone()
    }
    finally {
      // Whether it registered, failed to, or lost the phone again meanwhile: a waiting call goes on.
      stopMoving()
      markJoined()
    }
  }
  async function takeThePhone(): Promise<void> {
    log_(`[frames] ${frameId} (${location()}) owns the phone`)
    const previous = owner
    owner = { id: frameId, key: keys.publicKey, location: location() }
    rejectPending(MOVED())
    // Commands asked before any owner was known run here now (see command()).
    for (const waiter of ownerWaiters)
      waiter()
    ownerWaiters = []
    localPhone()
    // A call still shown lived in the previous owner's frame, and that frame is gone: the phone moves
    // on during a call only when its frame closed. Its bye may come after the lock (or the lease) did,
    // or never (a crash); count it gone now, so this frame reports the call's end and the Save.
    if (shownCall !== null && previous && previous.id !== frameId)
      departed.add(previous.id)
    adoptOrphanedCalls()
    announce()
    if (shownCall !== null) {
      // The call lived in the frame that went away (its media with it; a call never moves between
      // frames): every frame ends it, or it would show a call nobody can hang up, and no dialer.
      ownerEmit('callEnded', { callId: shownCall, cause: { type: 'transport-error', message: LOST() } })
    }
    const box = handoverBox ?? standbyBox
    handoverBox = null
    standbyBox = null
    let creds: SipCredentials | null = retained
    retained = null
    if (!creds && box)
      creds = await keys.open(box).then(text => JSON.parse(text) as SipCredentials, () => null)
    if (!creds && wasRegistered) {
      const arrived = await new Promise<SealedBox | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), credentialsWaitMs)
        credentialsArrived = (sealed) => {
          clearTimeout(timer)
          resolve(sealed)
        }
        channel.post({ type: 'credentials-request', publicKey: keys.publicKey })
      })
      credentialsArrived = null
      if (arrived)
        creds = await keys.open(arrived).then(text => JSON.parse(text) as SipCredentials, () => null)
    }
    if (!election.isOwner || disposed)
      return
    if (creds) {
      log_(`[frames] ${frameId} registers with the credentials handed over`)
      await owned.register(creds).catch((error: unknown) => log_(`[frames] ${frameId} could not register: ${String(error)}`))
    }
    else if (wasRegistered) {
      // Nobody kept the credentials (the standby went away too): the agent signs in again, here.
      ownerEmit('registration', { state: 'unregistered' })
    }
  }

  election.onChange((isOwner) => {
    if (isOwner) {
      void becomeOwner()
    }
    else {
      log_(`[frames] ${frameId} (${location()}) gives the phone up`)
      // A hand-over asked of this frame is over (done, or for an ownership it no longer has).
      pendingHandover = null
      void stopLocal()
      // Who holds the phone now is known when its announcement arrives (the lock may be lost first):
      // until then a command waits for it rather than going to this frame.
      if (owner?.id === frameId)
        owner = null
      // A call that waited for the hand-over goes to the new owner once this frame hears of it.
      stopMoving()
    }
  })

  channel.on((message: FrameEnvelope) => {
    switch (message.type) {
      case 'hello':
        peers.set(message.from, { location: message.location, publicKey: message.publicKey })
        if (election.isOwner) {
          if (message.location === 'window')
            windowArrived(message.from)
          announce()
          channel.post({ type: 'snapshot', to: message.from, records: log, reporter: [...reporters.values()].at(-1) })
          if (standbyId === null || !peers.has(standbyId))
            void shareStandby()
        }
        break
      case 'bye':
        peers.delete(message.from)
        departed.add(message.from)
        if (departed.size > MAX_REPORTERS * 5)
          departed.delete(departed.values().next().value as string)
        // The calling window that asked for the phone (during a call) is gone: nobody to hand it to.
        if (pendingHandover?.to === message.from)
          pendingHandover = null
        // The owner is gone: what it was asked will not be answered; new commands wait for the next owner.
        if (owner?.id === message.from && !election.isOwner) {
          owner = null
          rejectPending(MOVED())
        }
        if (election.isOwner && message.from === standbyId) {
          standbyId = null
          void shareStandby()
        }
        if (election.isOwner && adoptOrphanedCalls())
          announce()
        break
      case 'owner': {
        const changed = owner?.id !== message.from
        if (changed)
          replayedFrom = null
        owner = { id: message.from, key: message.publicKey, location: message.location }
        peers.set(message.from, { location: message.location, publicKey: message.publicKey })
        for (const [callId, reporter] of message.reporters ?? [])
          setReporter(callId, reporter)
        for (const waiter of ownerWaiters)
          waiter()
        ownerWaiters = []
        if (changed && !election.isOwner)
          hello()
        askForThePhone()
        break
      }
      case 'handover-request':
        peers.set(message.from, { location: 'window', publicKey: message.publicKey })
        if (election.isOwner) {
          pendingHandover = { to: message.from, publicKey: message.publicKey }
          void maybeHandOver()
        }
        break
      case 'handover-ready':
        handoverBox = message.credentials ?? null
        election.take()
        break
      case 'command':
        if (!election.isOwner) {
          channel.post({ type: 'result', id: message.id, to: message.from, ok: false, error: toWireError(new CallError('no-call', MOVED())) })
          break
        }
        execute(message.method, message.args, message.from).then(
          value => channel.post({ type: 'result', id: message.id, to: message.from, ok: true, value: value ?? null }),
          error => channel.post({ type: 'result', id: message.id, to: message.from, ok: false, error: toWireError(error) }),
        )
        break
      case 'result': {
        const call = pending.get(message.id)
        if (!call)
          break
        pending.delete(message.id)
        clearTimeout(call.timer)
        if (message.ok)
          call.resolve(message.value)
        else
          call.reject(fromWireError(message.error))
        break
      }
      case 'event':
        if (election.isOwner)
          break
        if (message.reporter) {
          const callId = callIdOf(message.record.payload)
          if (callId)
            setReporter(callId, message.reporter)
        }
        deliver(message.record.event, message.record.payload)
        break
      case 'snapshot':
        if (!election.isOwner && replayedFrom !== message.from) {
          replayedFrom = message.from
          replay(message.records, message.reporter)
        }
        if (!election.isOwner)
          markJoined()
        break
      case 'standby':
        standbyBox = message.credentials
        break
      case 'credentials-request':
        if (standbyBox) {
          const box = standbyBox
          void keys.open(box).then(text => keys.seal(message.publicKey, text)).then(
            sealed => channel.post({ type: 'credentials', to: message.from, credentials: sealed }),
            () => {},
          )
        }
        break
      case 'credentials':
        credentialsArrived?.(message.credentials)
        break
      default:
        break
    }
  })

  hello()

  const api = (): SipPhone => election.isOwner ? owned : remote
  return {
    frameId,
    isOwner: () => election.isOwner,
    reporterOf: callId => reporters.get(callId),
    onReporterChange: (handler) => {
      reporterHandlers.add(handler)
      return () => reporterHandlers.delete(handler)
    },
    replaying: () => replayingNow,
    locationChanged: () => {
      hello()
      askForThePhone()
    },
    reconnectNow: () => local?.reconnectNow?.(),
    joined: () => joined,
    onJoined: (handler) => {
      if (joined)
        return () => {}
      joinedHandlers.add(handler)
      return () => joinedHandlers.delete(handler)
    },
    register: credentials => api().register(credentials),
    unregister: () => api().unregister(),
    // A dial while the phone moves between frames waits for it to settle, then goes where it is.
    // Synchronous otherwise: sip.js's chain to the INVITE starts before the stores' re-render (src/stores/call.ts).
    call: (target, label) => moving ? untilSettled().then(() => api().call(target, label)) : api().call(target, label),
    hangup: () => api().hangup(),
    setMuted: muted => api().setMuted(muted),
    setRemoteAudioElement: (element) => {
      audioElement = element
      local?.setRemoteAudioElement(element)
    },
    hold: held => api().hold(held),
    sendDtmf: tones => api().sendDtmf(tones),
    transfer: target => api().transfer(target),
    answer: () => api().answer(),
    decline: statusCode => api().decline(statusCode),
    setAvailable: value => api().setAvailable(value),
    startConsultation: target => api().startConsultation(target),
    completeTransfer: () => api().completeTransfer(),
    cancelConsultation: () => api().cancelConsultation(),
    setInputDevice: deviceId => api().setInputDevice(deviceId),
    sampleStats: () => api().sampleStats(),
    on: hub.on,
    dispose: async () => {
      if (disposed)
        return
      disposed = true
      clearTimeout(joinTimer)
      channel.post({ type: 'bye' })
      rejectPending(MOVED())
      const phone = local
      local = null
      for (const off of localOffs)
        off()
      election.dispose()
      if (phone)
        await phone.dispose()
      hub.clear()
      channel.close()
    },
  }
}
