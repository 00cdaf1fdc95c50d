/**
 * The SIP adapter: sip.js's UserAgent + Registerer + Inviter behind the intent-named
 * `SipPhone` contract. Plain TypeScript; no sip.js object ever leaves this module.
 */
import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
} from 'sip.js'
import type {
  Core,
  Invitation,
  Session,
  SessionDescriptionHandlerFactory,
  Transport,
  Web,
} from 'sip.js'
import { snapshotFromStats } from '@/domain/quality'
import type { StatsSnapshot } from '@/domain/quality'
import type { CallEndCause } from '@/domain/types'
import {
  CallError,
  RegistrationError,
} from './types'
import type {
  RegistrationFailure,
  RegistrationState,
  SipCredentials,
  SipEventHandler,
  SipEventName,
  SipPhone,
  SipPhoneEvents,
  SipPhoneOptions,
} from './types'
import { adapterLogger, consoleSink, createRedactor, redactingConnector } from './logging'
import type { LogSink } from './logging'
import { describeMediaError, ObservedSdh, observingFactory, webSessionDescriptionHandlerFactory } from './media'
import type { SdhObserver } from './media'

/** Test/integration seams: sip.js's own extension points, nothing mocked. */
export interface SipPhoneSeams {
  /** Replaces sip.js's WebSocket transport (tests: a fake PBX). */
  transportConstructor?: new (logger: Core.Logger, options: Web.TransportOptions) => Transport
  /** Replaces sip.js's WebRTC SessionDescriptionHandler factory (tests: canned SDP). */
  sessionDescriptionHandlerFactory?: SessionDescriptionHandlerFactory
  /** Where log lines go (already redacted). Defaults to the console. */
  logSink?: LogSink
  /** How long to wait for a 487 after CANCEL before ending the call anyway (ms). */
  cancelGraceMs?: number
  /** How long unregister()/dispose() wait for the PBX before disconnecting anyway (ms). */
  unregisterGraceMs?: number
  /** Opens a microphone when the agent switches devices mid-call (tests: a fake stream). */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
}

const TARGET_PATTERN = /^\+?[0-9]{1,32}$/
const DTMF_PATTERN = /^[0-9A-D#*]{1,32}$/i
const INVALID_TARGET_MESSAGE = 'Enter a phone number: digits only, optionally starting with +.'
/** Longest caller display name we pass on. */
const MAX_DISPLAY_NAME = 64

interface Registration {
  readonly ua: UserAgent
  registerer?: Registerer
  state: RegistrationState
  /** True once unregister()/dispose()/re-register began tearing this UA down. */
  stopping: boolean
  /** Settles the pending register() promise, if any. */
  settle?: (failure?: RegistrationFailure) => void
}

interface ActiveCall {
  readonly callId: string
  readonly target: string
  /** The sip.js session: an Inviter for outbound calls, an Invitation for inbound ones. */
  readonly inviter: Inviter | Invitation
  readonly inbound: boolean
  /** Inbound: the caller sent CANCEL before we answered. */
  callerCanceled: boolean
  readonly registration: Registration
  /** callStarted was emitted: call events go out (until then they are held back). */
  started: boolean
  answered: boolean
  ended: boolean
  muted: boolean
  held: boolean
  transferred: boolean
  earlyMedia: boolean
  /** Decided by us before we act (cancel, bye, timeout, transport, media). */
  localCause?: CallEndCause
  finalResponse?: { statusCode: number, reasonPhrase: string }
  negotiationError?: string
  sdh?: ObservedSdh
  ringTimer?: ReturnType<typeof setTimeout>
  graceTimer?: ReturnType<typeof setTimeout>
  backlog: Array<() => void>
  attachedStream?: MediaStream
  attachedTrackIds?: string
  /** Set once the PBX accepted our REFER (202): a hang-up from now on is the transfer completing. */
  transfer?: { target: string, attended: boolean }
  /** Settles a pending transfer()/completeTransfer() when the call ends first. */
  transferWaiter?: (ended: boolean) => void
  /** SIP INFO DTMF goes out one tone at a time, in order. */
  infoQueue?: Promise<void>
}

/** The second call of an attended transfer, to the transfer target. */
interface Consultation {
  readonly callId: string
  readonly target: string
  readonly inviter: Inviter
  /** The held call it may be joined to. */
  readonly main: ActiveCall
  answered: boolean
  ended: boolean
  localCause?: CallEndCause
  finalResponse?: { statusCode: number, reasonPhrase: string }
  sdh?: ObservedSdh
  graceTimer?: ReturnType<typeof setTimeout>
  attachedStream?: MediaStream
  attachedTrackIds?: string
}

/** Whatever owns a peer connection whose audio the agent may hear. */
interface AudioOwner {
  readonly ended: boolean
  readonly sdh?: ObservedSdh
  attachedStream?: MediaStream
  attachedTrackIds?: string
}

/** RTCDTMFSender timing: 100 ms tones, 70 ms gaps (the WebRTC defaults, well within RFC 4733's range). */
const DTMF_TONE_MS = 100
const DTMF_GAP_MS = 70

type Listeners = { [K in SipEventName]: Set<SipEventHandler<K>> }

export function createSipPhone(options: SipPhoneOptions, seams: SipPhoneSeams = {}): SipPhone {
  const sink = seams.logSink ?? consoleSink
  const cancelGraceMs = seams.cancelGraceMs ?? 5000
  const unregisterGraceMs = seams.unregisterGraceMs ?? 3000
  const iceSecrets = options.iceServers.map(server => typeof server.credential === 'string' ? server.credential : undefined)
  let redact = createRedactor(iceSecrets)
  const logLevel = options.debug ? 'debug' : 'error'
  const log = adapterLogger(() => redact, sink)

  const listeners: Listeners = {
    registration: new Set(),
    callStarted: new Set(),
    callProgress: new Set(),
    callAnswered: new Set(),
    callEnded: new Set(),
    incomingCall: new Set(),
    consultation: new Set(),
  }
  /** False = Do not disturb: new INVITEs are refused with 480 and no event is emitted. */
  let available = true
  let registration: Registration | undefined
  let generation = 0
  let current: ActiveCall | undefined
  /** The consultation call of an attended transfer in progress. */
  let consult: Consultation | undefined
  /** The agent's microphone (`null` = the browser's default). */
  let inputDeviceId: string | null = null
  const getUserMedia = seams.getUserMedia
    ?? ((constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints))
  let audioElement: HTMLAudioElement | null = null
  let disposed = false

  const baseSdhFactory = seams.sessionDescriptionHandlerFactory ?? webSessionDescriptionHandlerFactory()
  const sdhFactory = observingFactory(baseSdhFactory, session => observerFor(session))

  // ---------------------------------------------------------------- events

  function emit<K extends SipEventName>(event: K, payload: SipPhoneEvents[K]): void {
    for (const handler of [...listeners[event]]) {
      try {
        handler(payload)
      }
      catch (error) {
        log.error(`A "${event}" handler threw`, error)
      }
    }
  }

  function emitRegistration(state: RegistrationState, failure?: RegistrationFailure): void {
    emit('registration', failure ? { state, failure } : { state })
  }

  /** Call events wait until callStarted went out, so the store always sees the callId first. */
  function emitCall<K extends 'callProgress' | 'callAnswered' | 'callEnded'>(call: ActiveCall, event: K, payload: SipPhoneEvents[K]): void {
    if (call.started)
      emit(event, payload)
    else
      call.backlog.push(() => emit(event, payload))
  }

  // ---------------------------------------------------------- registration

  function failureFromResponse(ua: UserAgent, message: Core.IncomingResponseMessage): RegistrationFailure {
    const statusCode = message.statusCode ?? 0
    if (statusCode === 401 || statusCode === 403 || statusCode === 407)
      return { kind: 'auth', statusCode, message: 'Wrong extension or password.' }
    if ((statusCode === 408 || statusCode === 503) && !ua.isConnected())
      return { kind: 'transport', message: `Cannot reach the PBX at ${options.server}.` }
    const reason = `${statusCode} ${message.reasonPhrase ?? ''}`.trim()
    return { kind: 'rejected', statusCode, message: `The PBX refused the sign-in (${reason}).` }
  }

  function waitForRegistered(reg: Registration, registerer: Registerer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false
      reg.settle = (failure) => {
        if (settled)
          return
        settled = true
        reg.settle = undefined
        if (failure)
          reject(new RegistrationError(failure))
        else
          resolve()
      }
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) {
          reg.settle?.()
        }
        else if (state === RegistererState.Unregistered) {
          if (reg.settle) {
            // A reject response calls its delegate right after this state change; let it win.
            queueMicrotask(() => reg.settle?.({ kind: 'rejected', message: 'The PBX did not confirm the sign-in.' }))
          }
          else if (reg.state === 'registered' && !reg.stopping && reg === registration) {
            reg.state = 'failed'
            emitRegistration('failed', { kind: 'rejected', message: 'The PBX ended the sign-in (the registration refresh failed).' })
          }
        }
      })
      registerer.register({
        requestDelegate: {
          onReject: response => reg.settle?.(failureFromResponse(reg.ua, response.message)),
        },
      }).catch((error: unknown) => {
        log.warn('REGISTER could not be sent', error)
        reg.settle?.({ kind: 'transport', message: `Cannot reach the PBX at ${options.server}.` })
      })
    })
  }

  function onTransportLost(reg: Registration, error: Error | undefined): void {
    if (error === undefined || reg.stopping || reg !== registration)
      return
    const message = `Lost the connection to the PBX at ${options.server}.`
    if (current && current.registration === reg)
      endNow(current, { type: 'transport-error', message })
    if (reg.settle) {
      reg.settle({ kind: 'transport', message: `Cannot reach the PBX at ${options.server}.` })
      return
    }
    if (reg.state === 'registered') {
      reg.state = 'failed'
      emitRegistration('failed', { kind: 'transport', message })
    }
    const registerer = reg.registerer
    reg.registerer = undefined
    registerer?.dispose().catch((e: unknown) => log.warn('Registerer cleanup failed', e))
  }

  async function register(credentials: SipCredentials): Promise<void> {
    if (disposed)
      throw new RegistrationError({ kind: 'rejected', message: 'The phone has been shut down.' })
    const myGeneration = ++generation
    const superseded = () => new RegistrationError({ kind: 'rejected', message: 'The sign-in was cancelled.' })
    const previous = registration
    registration = undefined
    if (previous)
      await teardown(previous)
    if (myGeneration !== generation)
      throw superseded()

    redact = createRedactor([credentials.password, ...iceSecrets])
    emitRegistration('registering')

    const fail = (failure: RegistrationFailure): RegistrationError => {
      emitRegistration('failed', failure)
      return new RegistrationError(failure)
    }
    const uri = UserAgent.makeURI(`sip:${credentials.user}@${options.domain}`)
    if (!uri || uri.user !== credentials.user || credentials.user === '')
      throw fail({ kind: 'auth', message: 'Wrong extension or password.' })

    const ua: UserAgent = new UserAgent({
      uri,
      authorizationUsername: credentials.user,
      authorizationPassword: credentials.password,
      displayName: credentials.displayName,
      transportOptions: { server: options.server },
      transportConstructor: seams.transportConstructor,
      sessionDescriptionHandlerFactory: sdhFactory,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: options.iceServers },
      },
      logLevel,
      logBuiltinEnabled: false,
      logConfiguration: false,
      logConnector: redactingConnector(text => redact(text), sink, logLevel),
      delegate: {
        onDisconnect: error => onTransportLost(reg, error),
        onInvite: invitation => onInvite(reg, invitation),
      },
    })
    const reg: Registration = { ua, state: 'registering', stopping: false }
    registration = reg

    const stale = () => reg.stopping || myGeneration !== generation
    const giveUp = (failure: RegistrationFailure): RegistrationError => {
      reg.state = 'failed'
      reg.stopping = true
      if (registration === reg)
        registration = undefined
      void stopUserAgent(reg)
      return fail(failure)
    }

    try {
      await ua.start()
    }
    catch (error) {
      if (stale())
        throw superseded()
      log.warn('Could not connect', error)
      throw giveUp({ kind: 'transport', message: `Cannot reach the PBX at ${options.server}.` })
    }
    if (stale())
      throw superseded()

    const registerer = new Registerer(ua)
    reg.registerer = registerer
    try {
      await waitForRegistered(reg, registerer)
    }
    catch (error) {
      if (stale())
        throw superseded()
      const failure = error instanceof RegistrationError
        ? error.failure
        : { kind: 'rejected' as const, message: 'The PBX refused the sign-in.' }
      throw giveUp(failure)
    }
    if (stale())
      throw superseded()
    reg.state = 'registered'
    emitRegistration('registered')
  }

  async function withGrace(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        work.catch((error: unknown) => log.warn('Shutdown step failed', error)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, ms)
        }),
      ])
    }
    finally {
      clearTimeout(timer)
    }
  }

  async function stopUserAgent(reg: Registration): Promise<void> {
    await withGrace(reg.ua.stop(), unregisterGraceMs)
  }

  /** End the call, un-REGISTER (Expires: 0), stop the UA. Never throws. */
  async function teardown(reg: Registration): Promise<void> {
    reg.stopping = true
    reg.settle?.({ kind: 'rejected', message: 'The sign-in was cancelled.' })
    if (current && current.registration === reg)
      endNow(current, current.answered ? { type: 'hangup', by: 'local' } : { type: current.inbound ? 'missed' : 'canceled' })
    const registerer = reg.registerer
    if (registerer && registerer.state === RegistererState.Registered && reg.ua.isConnected()) {
      const unregistered = new Promise<void>((resolve) => {
        registerer.stateChange.addListener(() => resolve(), { once: true })
        registerer.unregister({ requestOptions: { extraHeaders: ['Expires: 0'] } })
          .catch((error: unknown) => {
            log.warn('Un-REGISTER could not be sent', error)
            resolve()
          })
      })
      await withGrace(unregistered, unregisterGraceMs)
    }
    await stopUserAgent(reg)
    reg.state = 'unregistered'
  }

  async function unregister(): Promise<void> {
    generation++
    const reg = registration
    registration = undefined
    try {
      if (reg)
        await teardown(reg)
    }
    catch (error) {
      log.warn('Unregister failed', error)
    }
    emitRegistration('unregistered')
  }

  // ------------------------------------------------------------------ calls

  function observerFor(session: Session): SdhObserver {
    if (consult && consult.inviter === session)
      return consultationObserver(consult)
    const call = current && current.inviter === session ? current : undefined
    if (!call) {
      return { onMediaChanged: () => {}, onMediaFailure: () => {}, onNegotiationError: () => {} }
    }
    return {
      onMediaChanged: () => {
        if (call.ended)
          return
        applySenders(call)
        if (call.answered || call.earlyMedia)
          attachRemoteAudio(call)
      },
      onMediaFailure: message => mediaFailed(call, message),
      onNegotiationError: (error) => {
        call.negotiationError ??= describeMediaError(error)
      },
    }
  }

  function applySenders(call: ActiveCall): void {
    call.sdh?.enableSenders(!call.muted && !call.held)
  }

  function attachRemoteAudio(call: AudioOwner): void {
    const element = audioElement
    if (!element || !call.sdh || call.ended || typeof MediaStream === 'undefined')
      return
    // While the agent talks to the transfer target, the element is the consultation's.
    if (consult && !consult.ended && call !== consult)
      return
    const tracks = call.sdh.remoteAudioTracks()
    if (tracks.length === 0)
      return
    const ids = tracks.map(track => track.id).join(',')
    if (call.attachedStream && element.srcObject === call.attachedStream && call.attachedTrackIds === ids)
      return
    try {
      const stream = new MediaStream(tracks)
      element.srcObject = stream
      call.attachedStream = stream
      call.attachedTrackIds = ids
      playQuietly(element)
    }
    catch (error) {
      // A broken element must not break the call: the agent just hears nothing.
      log.error('Could not play the remote audio', error)
    }
  }

  function detachRemoteAudio(call: AudioOwner): void {
    if (audioElement && call.attachedStream && audioElement.srcObject === call.attachedStream)
      audioElement.srcObject = null
    call.attachedStream = undefined
    call.attachedTrackIds = undefined
  }

  function playQuietly(element: HTMLAudioElement): void {
    try {
      const playing = element.play() as Promise<void> | undefined
      playing?.catch(() => { /* autoplay refused: the agent's next click resumes it */ })
    }
    catch {
      // play() is not implemented (tests) or threw synchronously: nothing to do.
    }
  }

  function clearTimers(call: ActiveCall): void {
    clearTimeout(call.ringTimer)
    clearTimeout(call.graceTimer)
    call.ringTimer = undefined
    call.graceTimer = undefined
  }

  function inferCause(call: ActiveCall): CallEndCause {
    if (call.inbound && !call.answered)
      return call.callerCanceled ? { type: 'missed' } : { type: 'media-error', message: call.negotiationError ?? 'The call could not be answered.' }
    if (call.finalResponse && call.finalResponse.statusCode >= 300)
      return { type: 'rejected', ...call.finalResponse }
    if (call.answered && call.transfer)
      return { type: 'transferred', ...call.transfer }
    if (call.answered)
      return { type: 'hangup', by: call.transferred ? 'local' : 'remote' }
    if (call.negotiationError || call.inviter.dialog)
      return { type: 'media-error', message: call.negotiationError ?? 'The answer from the far end could not be used for audio.' }
    return { type: 'media-error', message: 'The call could not be set up.' }
  }

  /** Emits callEnded (once) and releases everything the call holds. */
  function finish(call: ActiveCall): void {
    if (call.ended)
      return
    call.ended = true
    clearTimers(call)
    if (current === call)
      current = undefined
    detachRemoteAudio(call)
    if (call.inviter.state !== SessionState.Terminated) {
      // We end it before sip.js did (transport loss, missing 487): close media now.
      call.inviter.dispose().catch((error: unknown) => log.warn('Session cleanup failed', error))
    }
    const cause = call.localCause ?? inferCause(call)
    if (consult && consult.main === call)
      dropConsultation(consult, cause.type === 'transferred')
    const waiter = call.transferWaiter
    call.transferWaiter = undefined
    waiter?.(true)
    emitCall(call, 'callEnded', { callId: call.callId, cause })
  }

  /** End the call right away with `cause`, telling the far end if we still can. */
  function endNow(call: ActiveCall, cause: CallEndCause): void {
    if (call.ended)
      return
    call.localCause ??= cause
    const state = call.inviter.state
    if (state === SessionState.Established) {
      sendBye(call)
    }
    else if (state === SessionState.Initial || state === SessionState.Establishing) {
      abandon(call)
    }
    finish(call)
  }

  function sendBye(call: ActiveCall): void {
    try {
      call.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
    }
    catch (error) {
      log.warn('BYE failed', error)
      finish(call)
    }
  }

  /** CANCEL our INVITE, or refuse (480) a caller's INVITE that we have not answered yet. */
  function abandon(call: ActiveCall): void {
    const session = call.inviter
    if (session instanceof Inviter)
      session.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
    else if (session.state === SessionState.Initial)
      session.reject({ statusCode: 480 }).catch((error: unknown) => log.warn('Could not refuse the call', error))
  }

  function cancelCall(call: ActiveCall): void {
    abandon(call)
    if (call.inviter.state !== SessionState.Terminated && call.graceTimer === undefined) {
      // The 487 normally ends it; if the PBX never answers the CANCEL, do not wait 32 s.
      call.graceTimer = setTimeout(() => {
        call.graceTimer = undefined
        finish(call)
      }, cancelGraceMs)
    }
  }

  function mediaFailed(call: ActiveCall, message: string): void {
    if (call.ended || call.localCause)
      return
    log.warn(message)
    call.localCause = { type: 'media-error', message }
    const state = call.inviter.state
    if (state === SessionState.Established)
      sendBye(call)
    else if (state === SessionState.Establishing)
      cancelCall(call)
  }

  function onInviteSent(call: ActiveCall): void {
    if (options.ringTimeoutMs > 0) {
      call.ringTimer = setTimeout(() => {
        call.ringTimer = undefined
        // `dialog` is set as soon as a 2xx arrives, before its SDP is applied: that is an answer.
        if (call.ended || call.answered || call.inviter.dialog || call.inviter.state !== SessionState.Establishing)
          return
        call.localCause ??= { type: 'ring-timeout' }
        cancelCall(call)
      }, options.ringTimeoutMs)
    }
  }

  function onAnswered(call: ActiveCall): void {
    call.answered = true
    clearTimeout(call.ringTimer)
    call.ringTimer = undefined
    applySenders(call)
    attachRemoteAudio(call)
    emitCall(call, 'callAnswered', { callId: call.callId })
  }

  async function placeCall(target: string): Promise<{ callId: string }> {
    if (typeof target !== 'string' || !TARGET_PATTERN.test(target))
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)
    const reg = registration
    if (!reg || reg.state !== 'registered')
      throw new CallError('not-registered', 'Not signed in to the PBX.')
    if (current)
      throw new CallError('call-in-progress', 'A call is already in progress.')
    const uri = UserAgent.makeURI(`sip:${target}@${options.domain}`)
    if (!uri)
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)

    const inviter = new Inviter(reg.ua, uri, {
      earlyMedia: true,
      sessionDescriptionHandlerOptions: { constraints: audioConstraints() },
      delegate: {
        onSessionDescriptionHandler: (sdh, provisional) => {
          if (!provisional && sdh instanceof ObservedSdh)
            newCall.sdh = sdh
        },
      },
    })
    const newCall: ActiveCall = {
      callId: inviter.request.callId,
      target,
      inviter,
      inbound: false,
      callerCanceled: false,
      registration: reg,
      started: false,
      answered: false,
      ended: false,
      muted: false,
      held: false,
      transferred: false,
      earlyMedia: false,
      backlog: [],
    }
    current = newCall

    inviter.stateChange.addListener((state) => {
      switch (state) {
        case SessionState.Establishing:
          onInviteSent(newCall)
          break
        case SessionState.Established:
          if (!newCall.ended)
            onAnswered(newCall)
          break
        case SessionState.Terminating:
          clearTimeout(newCall.ringTimer)
          newCall.ringTimer = undefined
          break
        case SessionState.Terminated:
          clearTimers(newCall)
          // A final response's delegate runs right after this transition: decide after it.
          queueMicrotask(() => finish(newCall))
          break
        default:
          break
      }
    })

    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (response) => {
            const statusCode = response.message.statusCode ?? 0
            if (statusCode <= 100 || statusCode >= 200 || newCall.ended)
              return
            const earlyMedia = Boolean(response.message.body)
            if (earlyMedia) {
              newCall.earlyMedia = true
              attachRemoteAudio(newCall)
            }
            emitCall(newCall, 'callProgress', { callId: newCall.callId, statusCode, earlyMedia })
          },
          onRedirect: (response) => {
            newCall.finalResponse = {
              statusCode: response.message.statusCode ?? 0,
              reasonPhrase: response.message.reasonPhrase ?? '',
            }
          },
          onReject: (response) => {
            newCall.finalResponse = {
              statusCode: response.message.statusCode ?? 0,
              reasonPhrase: response.message.reasonPhrase ?? '',
            }
          },
        },
      })
    }
    catch (error) {
      newCall.ended = true
      newCall.backlog = []
      clearTimers(newCall)
      if (current === newCall)
        current = undefined
      const cause = newCall.localCause
      if (cause?.type === 'canceled')
        throw new CallError('canceled', 'The call was cancelled before it was placed.')
      if (cause?.type === 'transport-error')
        throw new CallError('not-registered', cause.message)
      log.warn('INVITE could not be sent', error)
      throw new CallError('media', describeMediaError(error))
    }

    newCall.started = true
    emit('callStarted', { callId: newCall.callId, target })
    for (const deliver of newCall.backlog.splice(0))
      deliver()
    return { callId: newCall.callId }
  }

  async function hangup(): Promise<void> {
    const call = current
    if (!call || call.ended)
      return
    if (call.inbound && !call.answered) {
      // Hanging up a ringing inbound call (e.g. HubSpot's END_CALL) declines it.
      await decline()
      return
    }
    switch (call.inviter.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        call.localCause ??= { type: 'canceled' }
        cancelCall(call)
        break
      case SessionState.Established:
        call.localCause ??= { type: 'hangup', by: 'local' }
        sendBye(call)
        break
      default:
        break
    }
  }

  function answeredCall(): ActiveCall {
    const call = current
    if (!call || call.ended || call.inviter.state !== SessionState.Established)
      throw new CallError('no-call', 'There is no answered call.')
    return call
  }

  function setMuted(muted: boolean): void {
    const call = current
    if (!call || call.ended)
      return
    call.muted = muted
    applySenders(call)
    if (consult && consult.main === call && !consult.ended)
      consult.sdh?.enableSenders(!muted)
  }

  function setRemoteAudioElement(element: HTMLAudioElement | null): void {
    const call = current
    if (call)
      detachRemoteAudio(call)
    audioElement = element
    if (call && (call.answered || call.earlyMedia))
      attachRemoteAudio(call)
  }

  async function hold(held: boolean): Promise<void> {
    const call = answeredCall()
    if (call.held === held)
      return
    const what = held ? 'hold' : 'resume'
    await new Promise<void>((resolve, reject) => {
      const sessionDescriptionHandlerOptions: Web.SessionDescriptionHandlerOptions = { hold: held }
      call.inviter.invite({
        sessionDescriptionHandlerOptions,
        requestDelegate: {
          onAccept: () => {
            if (call.inviter.state !== SessionState.Established) {
              reject(new CallError('media', `Could not ${what} the call: the audio could not be renegotiated.`))
              return
            }
            call.held = held
            applySenders(call)
            resolve()
          },
          onReject: (response) => {
            const reason = `${response.message.statusCode ?? 0} ${response.message.reasonPhrase ?? ''}`.trim()
            reject(new CallError('rejected', `The PBX refused to ${what} the call (${reason}).`))
          },
        },
      }).catch((error: unknown) => reject(new CallError('media', `Could not ${what} the call (${error instanceof Error ? error.message : String(error)}).`)))
    })
  }

  async function sendDtmf(tones: string): Promise<void> {
    if (typeof tones !== 'string' || !DTMF_PATTERN.test(tones))
      throw new CallError('invalid-target', 'DTMF tones are 0-9, A-D, * and #.')
    const call = answeredCall()
    const upper = tones.toUpperCase()
    if (options.dtmfMode !== 'info' && call.sdh?.insertDtmf(upper, DTMF_TONE_MS, DTMF_GAP_MS))
      return
    await sendDtmfInfo(call, upper)
  }

  /** SIP INFO (application/dtmf-relay), one request per tone, queued behind earlier presses. */
  function sendDtmfInfo(call: ActiveCall, tones: string): Promise<void> {
    const send = async (): Promise<void> => {
      for (const tone of tones) {
        if (call.ended)
          throw new CallError('no-call', 'The call ended before the keys were sent.')
        await new Promise<void>((resolve, reject) => {
          call.inviter.info({
            requestDelegate: {
              onAccept: () => resolve(),
              onReject: (response) => {
                const reason = `${response.message.statusCode ?? 0} ${response.message.reasonPhrase ?? ''}`.trim()
                reject(new CallError('rejected', `The PBX refused the key press (${reason}).`))
              },
            },
            requestOptions: {
              body: {
                contentDisposition: 'render',
                contentType: 'application/dtmf-relay',
                content: `Signal=${tone}\r\nDuration=160`,
              },
            },
          }).catch((error: unknown) => reject(new CallError('rejected', `The key press could not be sent (${error instanceof Error ? error.message : String(error)}).`)))
        })
      }
    }
    const next = (call.infoQueue ?? Promise.resolve()).catch(() => {}).then(send)
    call.infoQueue = next.catch(() => {})
    return next
  }

  /**
   * REFER `call` to `referTo` (a URI: blind; the consultation's session: attended, sip.js adds
   * Replaces). Resolves when the PBX reports the transfer done (NOTIFY 2xx) or ends the call
   * after accepting it; the call then ends with cause 'transferred'. Rejects when the REFER or
   * the transfer fails; the call goes on.
   */
  function refer(call: ActiveCall, referTo: Parameters<Session['refer']>[0], transfer: { target: string, attended: boolean }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false
      const settle = (error?: CallError): void => {
        if (settled)
          return
        settled = true
        call.transferWaiter = undefined
        if (error) {
          call.transfer = undefined
          call.transferred = false
          reject(error)
        }
        else {
          resolve()
        }
      }
      call.transferWaiter = () => {
        if (call.transfer)
          settle()
        else
          settle(new CallError('no-call', 'The call ended before the transfer.'))
      }
      const done = (): void => {
        call.localCause ??= { type: 'transferred', ...transfer }
        if (!call.ended && call.inviter.state === SessionState.Established)
          sendBye(call)
        settle()
      }
      call.inviter.refer(referTo, {
        requestDelegate: {
          onAccept: () => {
            call.transferred = true
            call.transfer = transfer
          },
          onReject: (response) => {
            const reason = `${response.message.statusCode ?? 0} ${response.message.reasonPhrase ?? ''}`.trim()
            settle(new CallError('rejected', `The PBX refused the transfer (${reason}).`))
          },
        },
        onNotify: (notification) => {
          notification.accept().catch((error: unknown) => log.warn('NOTIFY answer failed', error))
          // The body is a sipfrag with the transfer's progress: "SIP/2.0 100 Trying", "SIP/2.0 200 OK".
          const status = /^SIP\/2\.0\s+(\d{3})(.*)$/m.exec(notification.request.body ?? '')
          const code = status?.[1] ? Number(status[1]) : 0
          if (code >= 200 && code < 300) {
            done()
          }
          else if (code >= 300) {
            const reason = `${code}${status?.[2] ?? ''}`.trim()
            settle(new CallError('rejected', `The transfer failed (${reason}). The caller is still on the line.`))
          }
        },
      }).catch((error: unknown) => settle(new CallError('rejected', `The transfer could not be sent (${error instanceof Error ? error.message : String(error)}).`)))
    })
  }

  async function transfer(target: string): Promise<void> {
    if (typeof target !== 'string' || !TARGET_PATTERN.test(target))
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)
    const call = answeredCall()
    const uri = UserAgent.makeURI(`sip:${target}@${options.domain}`)
    if (!uri)
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)
    await refer(call, uri, { target, attended: false })
  }

  // --------------------------------------------------------- inbound calls

  /** The caller's number: `+` and digits, or the raw user part when it is an extension-like name. */
  function callerNumber(user: string | undefined): string {
    const raw = (user ?? '').trim()
    const digits = raw.replace(/[\s().-]/g, '')
    if (/^\+?[0-9]{1,32}$/.test(digits))
      return digits
    // An alphanumeric user (e.g. "anonymous", "alice"): shown as is, bounded and one line.
    return raw.replace(/[^\w.+-]/g, '').slice(0, 32) || 'unknown'
  }

  /** The SIP display name made safe to show: no control characters, one line, at most 64 chars. */
  function cleanDisplayName(name: string | undefined): string {
    // eslint-disable-next-line no-control-regex
    const clean = (name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
    return clean.length > MAX_DISPLAY_NAME ? `${clean.slice(0, MAX_DISPLAY_NAME - 1)}…` : clean
  }

  function refuse(invitation: Invitation, statusCode: number, why: string): void {
    log.warn(`Incoming call refused with ${statusCode}: ${why}`)
    invitation.reject({ statusCode }).catch((error: unknown) => log.warn('Could not refuse the call', error))
  }

  function onInvite(reg: Registration, invitation: Invitation): void {
    if (disposed || reg !== registration || reg.stopping || reg.state !== 'registered') {
      refuse(invitation, 480, 'not signed in')
      return
    }
    if (!available) {
      refuse(invitation, 480, 'do not disturb')
      return
    }
    if (current) {
      // One call at a time: a second caller hears busy (no call waiting).
      refuse(invitation, 486, 'already on a call')
      return
    }
    const identity = invitation.remoteIdentity
    const fromNumber = callerNumber(identity.uri.user)
    const call: ActiveCall = {
      callId: invitation.request.callId,
      target: fromNumber,
      inviter: invitation,
      inbound: true,
      callerCanceled: false,
      registration: reg,
      started: true,
      answered: false,
      ended: false,
      muted: false,
      held: false,
      transferred: false,
      earlyMedia: false,
      backlog: [],
    }
    current = call
    invitation.delegate = {
      onCancel: () => {
        call.callerCanceled = true
      },
      onSessionDescriptionHandler: (sdh, provisional) => {
        if (!provisional && sdh instanceof ObservedSdh)
          call.sdh = sdh
      },
    }
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established && !call.ended)
        onAnswered(call)
      else if (state === SessionState.Terminated)
        queueMicrotask(() => finish(call))
    })
    // sip.js already sent 100 Trying and 180 Ringing (autoSendAnInitialProvisionalResponse).
    emit('incomingCall', { callId: call.callId, fromNumber, displayName: cleanDisplayName(identity.displayName) })
  }

  function ringingCall(): ActiveCall & { inviter: Invitation } {
    const call = current
    if (!call || call.ended || !call.inbound || call.answered || call.inviter instanceof Inviter || call.inviter.state !== SessionState.Initial)
      throw new CallError('no-call', 'There is no ringing call to answer.')
    return call as ActiveCall & { inviter: Invitation }
  }

  async function answer(): Promise<void> {
    const call = ringingCall()
    try {
      await call.inviter.accept({
        sessionDescriptionHandlerOptions: { constraints: audioConstraints() },
      })
    }
    catch (error) {
      call.negotiationError ??= describeMediaError(error)
      throw new CallError('media', describeMediaError(error))
    }
  }

  async function decline(statusCode: 480 | 486 | 603 = 603): Promise<void> {
    const call = current
    if (!call || call.ended || !call.inbound || call.answered || call.inviter instanceof Inviter)
      return
    if (call.inviter.state !== SessionState.Initial)
      return
    call.localCause ??= { type: 'declined' }
    await call.inviter.reject({ statusCode }).catch((error: unknown) => log.warn('Could not decline the call', error))
  }

  function setAvailable(value: boolean): void {
    available = value
  }

  // ------------------------------------------- in-call: attended transfer

  function emitConsultation(c: Consultation, state: SipPhoneEvents['consultation']['state'], cause?: CallEndCause): void {
    emit('consultation', cause ? { callId: c.callId, target: c.target, state, cause } : { callId: c.callId, target: c.target, state })
  }

  function consultationObserver(c: Consultation): SdhObserver {
    return {
      onMediaChanged: () => {
        if (c.ended)
          return
        c.sdh?.enableSenders(!c.main.muted)
        attachRemoteAudio(c)
      },
      onMediaFailure: (message) => {
        if (c.ended || c.localCause)
          return
        log.warn(message)
        c.localCause = { type: 'media-error', message }
        void endConsultationCall(c)
      },
      onNegotiationError: () => {},
    }
  }

  /** Forget the consultation and tell the store; the agent hears the held call's side again. */
  function dropConsultation(c: Consultation, transferred: boolean): void {
    if (c.ended)
      return
    // The PBX accepted the REFER with Replaces and hangs up this leg itself (before its NOTIFY).
    transferred ||= c.main.transfer?.attended === true && c.main.transfer.target === c.target
    c.ended = true
    clearTimeout(c.graceTimer)
    if (consult === c)
      consult = undefined
    detachRemoteAudio(c)
    if (c.inviter.state !== SessionState.Terminated) {
      if (c.inviter.state === SessionState.Established)
        c.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
      else
        c.inviter.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
    }
    if (!c.main.ended)
      attachRemoteAudio(c.main)
    let cause: CallEndCause
    if (transferred)
      cause = { type: 'transferred', target: c.target, attended: true }
    else if (c.localCause)
      cause = c.localCause
    else if (c.finalResponse && c.finalResponse.statusCode >= 300)
      cause = { type: 'rejected', ...c.finalResponse }
    else if (c.answered)
      cause = { type: 'hangup', by: 'remote' }
    else
      cause = { type: 'media-error', message: 'The call to the transfer target could not be set up.' }
    emitConsultation(c, 'ended', cause)
  }

  async function startConsultation(target: string): Promise<{ callId: string }> {
    if (typeof target !== 'string' || !TARGET_PATTERN.test(target))
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)
    const main = answeredCall()
    if (consult && !consult.ended)
      throw new CallError('call-in-progress', 'A transfer call is already in progress.')
    const uri = UserAgent.makeURI(`sip:${target}@${options.domain}`)
    if (!uri)
      throw new CallError('invalid-target', INVALID_TARGET_MESSAGE)
    if (!main.held)
      await hold(true)
    if (main.ended || consult)
      throw new CallError('no-call', 'The call ended before the transfer call was placed.')

    const inviter: Inviter = new Inviter(main.registration.ua, uri, {
      earlyMedia: true,
      sessionDescriptionHandlerOptions: { constraints: audioConstraints() },
      delegate: {
        onSessionDescriptionHandler: (sdh, provisional) => {
          if (!provisional && sdh instanceof ObservedSdh)
            c.sdh = sdh
        },
      },
    })
    const c: Consultation = { callId: inviter.request.callId, target, inviter, main, answered: false, ended: false }
    consult = c
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established && !c.ended) {
        c.answered = true
        c.sdh?.enableSenders(!main.muted)
        attachRemoteAudio(c)
        emitConsultation(c, 'answered')
      }
      else if (state === SessionState.Terminated) {
        // A final response's delegate runs right after this transition: decide after it.
        queueMicrotask(() => dropConsultation(c, false))
      }
    })
    emitConsultation(c, 'calling')
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (response) => {
            const statusCode = response.message.statusCode ?? 0
            if (statusCode <= 100 || statusCode >= 200 || c.ended)
              return
            if (response.message.body)
              attachRemoteAudio(c)
            emitConsultation(c, 'ringing')
          },
          onRedirect: (response) => {
            c.finalResponse = { statusCode: response.message.statusCode ?? 0, reasonPhrase: response.message.reasonPhrase ?? '' }
          },
          onReject: (response) => {
            c.finalResponse = { statusCode: response.message.statusCode ?? 0, reasonPhrase: response.message.reasonPhrase ?? '' }
          },
        },
      })
    }
    catch (error) {
      log.warn('The consultation INVITE could not be sent', error)
      c.localCause ??= { type: 'media-error', message: describeMediaError(error) }
      dropConsultation(c, false)
      throw new CallError('media', describeMediaError(error))
    }
    return { callId: c.callId }
  }

  async function endConsultationCall(c: Consultation): Promise<void> {
    if (c.ended)
      return
    switch (c.inviter.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        c.localCause ??= { type: 'canceled' }
        c.inviter.cancel().catch((error: unknown) => log.warn('CANCEL failed', error))
        break
      case SessionState.Established:
        c.localCause ??= { type: 'hangup', by: 'local' }
        c.inviter.bye().catch((error: unknown) => log.warn('BYE failed', error))
        break
      default:
        break
    }
    if (c.graceTimer === undefined) {
      // The 487/200 normally ends it; a PBX that never answers must not keep the agent waiting.
      c.graceTimer = setTimeout(() => dropConsultation(c, false), cancelGraceMs)
    }
  }

  async function cancelConsultation(): Promise<void> {
    const c = consult
    if (c && !c.ended)
      await endConsultationCall(c)
  }

  async function completeTransfer(): Promise<void> {
    const main = answeredCall()
    const c = consult
    if (!c || c.ended || !c.answered || c.inviter.state !== SessionState.Established)
      throw new CallError('no-call', 'The transfer target has not answered yet.')
    await refer(main, c.inviter, { target: c.target, attended: true })
    // The PBX joined the caller to the target: our leg to the target is done too.
    dropConsultation(c, true)
  }

  // ------------------------------------------------ in-call: devices, stats

  function audioConstraints(): MediaStreamConstraints {
    return { audio: inputDeviceId ? { deviceId: { ideal: inputDeviceId } } : true, video: false }
  }

  async function setInputDevice(deviceId: string | null): Promise<void> {
    inputDeviceId = deviceId
    const owners: Array<{ sdh?: ObservedSdh, enabled: boolean }> = []
    if (current && !current.ended && current.sdh)
      owners.push({ sdh: current.sdh, enabled: !current.muted && !current.held })
    if (consult && !consult.ended && consult.sdh)
      owners.push({ sdh: consult.sdh, enabled: !consult.main.muted })
    for (const owner of owners) {
      let stream: MediaStream
      try {
        stream = await getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false })
      }
      catch (error) {
        throw new CallError('media', describeMediaError(error))
      }
      try {
        await owner.sdh!.replaceMicrophone(stream)
      }
      catch (error) {
        stream.getTracks().forEach(track => track.stop())
        throw new CallError('media', `The microphone could not be switched (${error instanceof Error ? error.message : String(error)}).`)
      }
      owner.sdh!.enableSenders(owner.enabled)
    }
  }

  async function sampleStats(): Promise<StatsSnapshot | null> {
    const call = current
    if (!call || call.ended || !call.answered || !call.sdh)
      return null
    const report = await call.sdh.stats().catch(() => null)
    if (!report)
      return null
    const entries: Array<Record<string, unknown>> = []
    report.forEach((value: unknown) => {
      if (value && typeof value === 'object')
        entries.push(value as Record<string, unknown>)
    })
    return snapshotFromStats(entries, Date.now())
  }

  // ------------------------------------------------------------- lifecycle

  function on<K extends SipEventName>(event: K, handler: SipEventHandler<K>): () => void {
    const set: Set<SipEventHandler<K>> = listeners[event]
    set.add(handler)
    return () => {
      set.delete(handler)
    }
  }

  async function dispose(): Promise<void> {
    if (disposed)
      return
    disposed = true
    await unregister()
    audioElement = null
    for (const set of Object.values(listeners))
      set.clear()
  }

  return {
    register,
    unregister,
    call: placeCall,
    hangup,
    setMuted,
    setRemoteAudioElement,
    hold,
    sendDtmf,
    transfer,
    answer,
    decline,
    setAvailable,
    startConsultation,
    completeTransfer,
    cancelConsultation,
    setInputDevice,
    sampleStats,
    on,
    dispose,
  }
}
