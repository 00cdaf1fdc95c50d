/**
 * The SIP adapter: sip.js's UserAgent + Registerer + Inviter behind the intent-named
 * `SipPhone` contract. Plain TypeScript; no sip.js object ever leaves src/sip.
 *
 * This file only composes the parts, which share one `PhoneContext`:
 * registration.ts (sign-in), outboundCall.ts / inboundCall.ts (how a call starts),
 * callSession.ts (how it lives and ends), callRecovery.ts (kept through a lost WebSocket),
 * iceRestart.ts (media recovered with an ICE restart), callControls.ts (hang up, mute, hold, keypad),
 * transfer.ts + consultation.ts (blind and attended transfer), remoteAudio.ts, devices.ts,
 * stats.ts, events.ts.
 */
import { Web as WebPlatform } from 'sip.js'
import type { Core, Session, SessionDescriptionHandlerFactory, Transport, Web } from 'sip.js'
import { createCallControls, glareDelayMs } from './callControls'
import { createCallSession } from './callSession'
import { createConsultationLeg } from './consultation'
import { createInputDeviceSwitch } from './devices'
import { createEventHub } from './events'
import { createIceRestart } from './iceRestart'
import { createInboundCalls } from './inboundCall'
import { adapterLogger, consoleSink, createRedactor } from './logging'
import type { LogSink } from './logging'
import { observingFactory, webSessionDescriptionHandlerFactory } from './media'
import type { SdhObserver } from './media'
import { createOutboundCall } from './outboundCall'
import type { PhoneContext } from './phoneContext'
import { createSignIn } from './registration'
import { createRemoteAudio } from './remoteAudio'
import { createStatsSampler } from './stats'
import { createSessionUpdate } from './sessionUpdate'
import { createTransfers } from './transfer'
import { watchingTransport } from './wireTransport'
import type { SipPhone, SipPhoneOptions } from './types'

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
  /** How long to wait before a re-INVITE is tried again after 491 (ms; default RFC 3261 §14.1's random interval). */
  glareDelayMs?: (ownsCallId: boolean) => number
  /** Opens a microphone when the agent switches devices mid-call (tests: a fake stream). */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
}

const NO_OBSERVER: SdhObserver = { onMediaChanged: () => {}, onMediaFailure: () => {}, onNegotiationError: () => {} }

export function createSipPhone(options: SipPhoneOptions, seams: SipPhoneSeams = {}): SipPhone {
  const sink = seams.logSink ?? consoleSink
  const iceSecrets = options.iceServers.map(server => typeof server.credential === 'string' ? server.credential : undefined)
  const hub = createEventHub((event, error) => ctx.log.error(`A "${event}" handler threw`, error))
  const ctx: PhoneContext = {
    options,
    log: adapterLogger(() => ctx.redact, sink),
    emit: hub.emit,
    cancelGraceMs: seams.cancelGraceMs ?? 5000,
    unregisterGraceMs: seams.unregisterGraceMs ?? 3000,
    glareDelayMs: seams.glareDelayMs ?? (ownsCallId => glareDelayMs(ownsCallId)),
    redact: createRedactor(iceSecrets),
    generation: 0,
    available: true,
    inputDeviceId: null,
    audioElement: null,
    disposed: false,
  }

  const audio = createRemoteAudio(ctx)
  const consultation = createConsultationLeg(ctx, audio)
  const session = createCallSession(ctx, audio, consultation)
  const inbound = createInboundCalls(ctx, session)
  const controls = createCallControls(ctx, session, () => inbound.decline())
  const transfers = createTransfers(ctx, session, controls, consultation)
  const iceRestart = createIceRestart(ctx, session)

  /** Each SDH reports to the leg that owns its session: the consultation or the current call. */
  function observerFor(sipSession: Session): SdhObserver {
    if (ctx.consult && ctx.consult.inviter === sipSession)
      return consultation.observer(ctx.consult)
    if (ctx.current && ctx.current.inviter === sipSession)
      return { ...session.observer(ctx.current), ...iceRestart.observer(ctx.current) }
    return NO_OBSERVER
  }
  const baseSdhFactory = seams.sessionDescriptionHandlerFactory ?? webSessionDescriptionHandlerFactory()

  const logLevel = options.debug ? 'debug' : 'error'
  const signIn = createSignIn(ctx, {
    session,
    onInvite: inbound.onInvite,
    sdhFactory: observingFactory(baseSdhFactory, observerFor),
    // Every CANCEL is seen (also one that crossed our 200 OK, which sip.js never passes on),
    // and in-dialog UPDATEs are answered here instead of sip.js's 405.
    transportConstructor: watchingTransport(seams.transportConstructor ?? WebPlatform.Transport, {
      onCancel: inbound.onWireCancel,
      onUpdate: createSessionUpdate(ctx),
    }),
    sink,
    logLevel,
    iceSecrets,
  })

  async function dispose(): Promise<void> {
    if (ctx.disposed)
      return
    ctx.disposed = true
    await signIn.unregister()
    ctx.audioElement = null
    hub.clear()
  }

  return {
    register: signIn.register,
    unregister: signIn.unregister,
    call: createOutboundCall(ctx, session, audio),
    hangup: controls.hangup,
    setMuted: controls.setMuted,
    setRemoteAudioElement: audio.setElement,
    hold: controls.hold,
    sendDtmf: controls.sendDtmf,
    transfer: transfers.transfer,
    answer: inbound.answer,
    decline: inbound.decline,
    setAvailable: (value) => {
      ctx.available = value
    },
    startConsultation: transfers.startConsultation,
    completeTransfer: transfers.completeTransfer,
    cancelConsultation: transfers.cancelConsultation,
    setInputDevice: createInputDeviceSwitch(ctx, seams.getUserMedia
      ?? ((constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints))),
    sampleStats: createStatsSampler(ctx),
    on: hub.on,
    dispose,
  }
}
