import { afterEach } from 'vitest'
import { createSipPhone } from '@/sip/createSipPhone'
import type { LogSink } from '@/sip/logging'
import type { SipPhone } from '@/sip/types'
import { ANSWER_SDP, DOMAIN, EventLog, FakePbx, fakeMedia, PASSWORD, SERVER, USER } from './fakePbx'
import type { FakeMediaOptions, FakeSdh, SentRequest } from './fakePbx'

export const TARGET = '+441632960123'

export interface SetupOptions {
  ringTimeoutMs?: number
  debug?: boolean
  media?: FakeMediaOptions
  /** Use the console (the default sink) instead of collecting log lines. */
  console?: boolean
  cancelGraceMs?: number
  /** How long a call is kept through a lost WebSocket (ms). */
  callReconnectMs?: number
  dtmfMode?: 'rfc4733' | 'info'
  /** The 491 glare interval seam (default 0 ms here, so retries are immediate). */
  glareDelayMs?: (ownsCallId: boolean) => number
  /** The getUserMedia seam (a mid-call microphone change). */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
}

export interface Harness {
  pbx: FakePbx
  phone: SipPhone
  events: EventLog
  sdhs: FakeSdh[]
  logLines: string[]
  /** The SDH of the (last) call. */
  sdh: () => FakeSdh
}

const phones: SipPhone[] = []

afterEach(async () => {
  for (const phone of phones.splice(0))
    await phone.dispose()
})

export function setup(options: SetupOptions = {}): Harness {
  const pbx = new FakePbx()
  const media = fakeMedia(options.media)
  const logLines: string[] = []
  const sink: LogSink = (_level, line) => logLines.push(line)
  const phone = createSipPhone(
    { server: SERVER, domain: DOMAIN, iceServers: [], ringTimeoutMs: options.ringTimeoutMs ?? 60_000, callReconnectMs: options.callReconnectMs, debug: options.debug, dtmfMode: options.dtmfMode },
    {
      transportConstructor: pbx.Transport,
      sessionDescriptionHandlerFactory: media.factory,
      logSink: options.console ? undefined : sink,
      cancelGraceMs: options.cancelGraceMs,
      getUserMedia: options.getUserMedia,
      unregisterGraceMs: 2_000,
      glareDelayMs: options.glareDelayMs ?? (() => 0),
    },
  )
  phones.push(phone)
  const events = new EventLog(phone)
  const sdh = () => {
    const last = media.created[media.created.length - 1]
    if (!last)
      throw new Error('No SDH was created')
    return last
  }
  return { pbx, phone, events, sdhs: media.created, logLines, sdh }
}

export async function registered(options: SetupOptions = {}): Promise<Harness> {
  const h = setup(options)
  await h.phone.register({ user: USER, password: PASSWORD, displayName: 'Agent Smith' })
  return h
}

/** Places a call and has the far end ring and answer. */
export async function answered(h: Harness): Promise<{ callId: string, invite: SentRequest }> {
  const { callId } = await h.phone.call(TARGET)
  const invite = await h.pbx.invite()
  h.pbx.respond(invite, 100, 'Trying')
  h.pbx.respond(invite, 180, 'Ringing')
  h.pbx.respond(invite, 200, 'OK', { body: ANSWER_SDP })
  await h.events.wait('callAnswered')
  return { callId, invite }
}

/**
 * Resolves after the current task: the adapter closes a call's peer connection one task after
 * sip.js asks (HubSpot hears of the end first), so "still open" is only meaningful after it.
 */
export function afterTask(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0))
}
