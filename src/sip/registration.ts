/**
 * Signing in and out: the UserAgent (WebSocket) and Registerer behind register() and
 * unregister(), a newer sign-in superseding an older one, a refused refresh or a lost
 * WebSocket reported as `registration` `failed`, and a shutdown that never hangs on the PBX.
 */
import { Registerer, RegistererState, UserAgent } from 'sip.js'
import type { Core, Invitation, LogLevel, SessionDescriptionHandlerFactory, Transport, Web } from 'sip.js'
import type { CallSession } from './callSession'
import { createCallRecovery } from './callRecovery'
import { createRedactor, redactingConnector } from './logging'
import type { LogSink } from './logging'
import type { PhoneContext, Registration } from './phoneContext'
import { describeResponse } from './sipText'
import { RegistrationError } from './types'
import type { RegistrationFailure, RegistrationState, SipCredentials } from './types'
import { t } from '@/i18n'

export interface RegistrationDeps {
  session: CallSession
  onInvite: (reg: Registration, invitation: Invitation) => void
  sdhFactory: SessionDescriptionHandlerFactory
  transportConstructor?: new (logger: Core.Logger, options: Web.TransportOptions) => Transport
  sink: LogSink
  logLevel: LogLevel
  /** TURN credentials, kept out of the logs along with the password. */
  iceSecrets: ReadonlyArray<string | undefined>
}

export interface SignIn {
  register: (credentials: SipCredentials) => Promise<void>
  unregister: () => Promise<void>
}

export function createSignIn(ctx: PhoneContext, deps: RegistrationDeps): SignIn {
  const { log, options } = ctx
  const cannotReach = (): string => t('sip.cannotReach', { server: options.server })

  function emitRegistration(state: RegistrationState, failure?: RegistrationFailure): void {
    ctx.emit('registration', failure ? { state, failure } : { state })
  }
  const lostMessage = t('sip.lost', { server: options.server })
  const recovery = createCallRecovery(ctx, {
    session: deps.session,
    reRegister: reg => registerOn(reg),
    emitRegistration: payload => ctx.emit('registration', payload),
    lostMessage,
  })

  /** A new Registerer on `reg`'s connected UserAgent; resolves once the PBX accepted it. */
  async function registerOn(reg: Registration): Promise<void> {
    const previous = reg.registerer
    reg.registerer = undefined
    previous?.dispose().catch((e: unknown) => log.warn('Registerer cleanup failed', e))
    const registerer = new Registerer(reg.ua)
    reg.registerer = registerer
    await waitForRegistered(reg, registerer)
  }

  function failureFromResponse(ua: UserAgent, message: Core.IncomingResponseMessage): RegistrationFailure {
    const statusCode = message.statusCode ?? 0
    if (statusCode === 401 || statusCode === 403 || statusCode === 407)
      return { kind: 'auth', statusCode, message: t('sip.wrongPassword') }
    if ((statusCode === 408 || statusCode === 503) && !ua.isConnected())
      return { kind: 'transport', message: cannotReach() }
    return { kind: 'rejected', statusCode, message: t('sip.refusedWhy', { why: describeResponse(message) }) }
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
            queueMicrotask(() => reg.settle?.({ kind: 'rejected', message: t('sip.notConfirmed') }))
          }
          else if (reg.state === 'registered' && !reg.stopping && reg === ctx.registration) {
            reg.state = 'failed'
            emitRegistration('failed', { kind: 'rejected', message: t('sip.refreshFailed') })
          }
        }
      })
      registerer.register({
        requestDelegate: {
          onReject: response => reg.settle?.(failureFromResponse(reg.ua, response.message)),
        },
      }).catch((error: unknown) => {
        log.warn('REGISTER could not be sent', error)
        reg.settle?.({ kind: 'transport', message: cannotReach() })
      })
    })
  }

  function onTransportLost(reg: Registration, error: Error | undefined): void {
    if (error === undefined || reg.stopping || reg !== ctx.registration)
      return
    const message = lostMessage
    if (recovery.onTransportLost(reg)) {
      // An answered call is kept while callRecovery reconnects this same UserAgent.
      reg.settle?.({ kind: 'transport', message: cannotReach() })
      const registerer = reg.registerer
      reg.registerer = undefined
      registerer?.dispose().catch((e: unknown) => log.warn('Registerer cleanup failed', e))
      return
    }
    if (ctx.current && ctx.current.registration === reg)
      deps.session.endNow(ctx.current, { type: 'transport-error', message })
    if (reg.settle) {
      reg.settle({ kind: 'transport', message: cannotReach() })
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
    if (ctx.disposed)
      throw new RegistrationError({ kind: 'rejected', message: t('sip.shutDown') })
    const myGeneration = ++ctx.generation
    const superseded = () => new RegistrationError({ kind: 'rejected', message: t('sip.signInCancelled') })
    const previous = ctx.registration
    ctx.registration = undefined
    if (previous)
      await teardown(previous)
    if (myGeneration !== ctx.generation)
      throw superseded()

    ctx.redact = createRedactor([credentials.password, ...deps.iceSecrets])
    emitRegistration('registering')

    const fail = (failure: RegistrationFailure): RegistrationError => {
      emitRegistration('failed', failure)
      return new RegistrationError(failure)
    }
    const uri = UserAgent.makeURI(`sip:${credentials.user}@${options.domain}`)
    if (!uri || uri.user !== credentials.user || credentials.user === '')
      throw fail({ kind: 'auth', message: t('sip.wrongPassword') })

    const ua: UserAgent = new UserAgent({
      uri,
      authorizationUsername: credentials.user,
      authorizationPassword: credentials.password,
      displayName: credentials.displayName,
      transportOptions: { server: options.server },
      transportConstructor: deps.transportConstructor,
      sessionDescriptionHandlerFactory: deps.sdhFactory,
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: {
          iceServers: options.iceServers,
          ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
        },
      },
      logLevel: deps.logLevel,
      logBuiltinEnabled: false,
      logConfiguration: false,
      logConnector: redactingConnector(text => ctx.redact(text), deps.sink, deps.logLevel),
      delegate: {
        onDisconnect: error => onTransportLost(reg, error),
        onInvite: invitation => deps.onInvite(reg, invitation),
      },
    })
    const reg: Registration = { ua, state: 'registering', stopping: false }
    ctx.registration = reg

    const stale = () => reg.stopping || myGeneration !== ctx.generation
    const giveUp = (failure: RegistrationFailure): RegistrationError => {
      reg.state = 'failed'
      reg.stopping = true
      if (ctx.registration === reg)
        ctx.registration = undefined
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
      throw giveUp({ kind: 'transport', message: cannotReach() })
    }
    if (stale())
      throw superseded()

    try {
      await registerOn(reg)
    }
    catch (error) {
      if (stale())
        throw superseded()
      const failure = error instanceof RegistrationError
        ? error.failure
        : { kind: 'rejected' as const, message: t('sip.refused') }
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
    await withGrace(reg.ua.stop(), ctx.unregisterGraceMs)
  }

  /** End the call, un-REGISTER (Expires: 0), stop the UA. Never throws. */
  async function teardown(reg: Registration): Promise<void> {
    reg.stopping = true
    recovery.stop(reg)
    reg.settle?.({ kind: 'rejected', message: t('sip.signInCancelled') })
    const current = ctx.current
    if (current && current.registration === reg)
      deps.session.endNow(current, current.answered ? { type: 'hangup', by: 'local' } : { type: current.inbound ? 'missed' : 'canceled' })
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
      await withGrace(unregistered, ctx.unregisterGraceMs)
    }
    await stopUserAgent(reg)
    reg.state = 'unregistered'
  }

  async function unregister(): Promise<void> {
    ctx.generation++
    const reg = ctx.registration
    ctx.registration = undefined
    try {
      if (reg)
        await teardown(reg)
    }
    catch (error) {
      log.warn('Unregister failed', error)
    }
    emitRegistration('unregistered')
  }

  return { register, unregister }
}
