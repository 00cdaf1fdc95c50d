// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FRAME_PROTOCOL_VERSION } from '@/frames/protocol'
import { setLocale, useLocale } from '@/i18n'
import { CallError, RegistrationError } from '@/sip/types'
import type { SipCredentials } from '@/sip/types'
import type { Profile, TestFrame } from './frames'
import { createProfile, LOCK } from './frames'

const AGENT: SipCredentials = { user: '1001', password: 's3cret-pw', displayName: 'Ann Agent' }
const NUMBER = '+442079460000'
const LABEL = { display: '+44 20 7946 0000', callee: { objectId: 51, objectType: 'CONTACT' } }

let profile: Profile
beforeEach(() => {
  profile = createProfile()
})
afterEach(async () => {
  await profile.disposeAll()
  // Every message the frames sent is one the protocol accepts, and no password ever crossed in clear.
  expect(profile.bus.unreadable).toEqual([])
  expect(JSON.stringify(profile.bus.posted)).not.toContain(AGENT.password)
})

/** Resolves once `frame` owns the phone and every other frame knows it. */
async function owner(frame: TestFrame): Promise<void> {
  await vi.waitFor(() => {
    expect(frame.phone.isOwner()).toBe(true)
    expect(profile.locks.holderTag(LOCK)).toBe(frame.id)
  })
  // The others learned who owns it (a command from them reaches it).
  await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'owner' && m.from === frame.id)).toBe(true))
  await profile.bus.flush()
}

const lastState = (frame: TestFrame): unknown => frame.heardOf('registration').at(-1)?.payload.state

/** Two remote frames, `a` owning the phone, the agent signed in from `b`. */
async function signedInFromMirror(): Promise<{ a: TestFrame, b: TestFrame }> {
  const a = await profile.frame('a')
  await owner(a)
  const b = await profile.frame('b')
  await profile.bus.flush()
  await b.phone.register(AGENT)
  return { a, b }
}

describe('one phone for every frame', () => {
  it('the owner builds the one local phone; a sign-in in a mirror REGISTERs there, sealed, and every frame hears who is registered', async () => {
    const { a, b } = await signedInFromMirror()
    expect(a.locals).toHaveLength(1)
    expect(b.locals).toHaveLength(0)
    expect(a.local.actions).toEqual(['register:1001'])
    expect(a.local.credentials).toEqual(AGENT)
    const registered = { state: 'registered', identity: { user: '1001', displayName: 'Ann Agent' } }
    // The agent signing in sees it under way.
    await vi.waitFor(() => expect(b.heardOf('registration').map(h => h.payload)).toEqual([{ state: 'registering' }, registered]))
    expect(a.heardOf('registration').map(h => h.payload)).toEqual([{ state: 'registering' }, registered])
    // The command carried a sealed box, not the credentials.
    const command = profile.bus.posted.find(m => m.type === 'command' && m.method === 'register')
    expect(command).toMatchObject({ to: 'a', args: [{ iv: expect.any(String), data: expect.any(String) }] })
    // The owner keeps a sealed copy with a standby frame, to take over without the agent.
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
  })

  it('a call from a mirror is dialed on the owner with its label; every frame sees it start, and the mirror reports it', async () => {
    const { a, b } = await signedInFromMirror()
    const c = await profile.frame('c')
    await profile.bus.flush()
    const { callId } = await b.phone.call(NUMBER, LABEL)
    expect(callId).toBe('call-1@test')
    expect(a.local.actions).toContain(`call:${NUMBER}`)
    const started = { callId, target: NUMBER, label: LABEL }
    await vi.waitFor(() => {
      for (const frame of [a, b, c])
        expect(frame.heardOf('callStarted').map(h => h.payload)).toEqual([started])
    })
    for (const frame of [a, b, c])
      expect(frame.phone.reporterOf(callId)).toBe('b')
  })

  it('hold and mute from a mirror run on the owner and every frame hears held / muted', async () => {
    const { a, b } = await signedInFromMirror()
    const c = await profile.frame('c')
    await profile.bus.flush()
    const { callId } = await b.phone.call(NUMBER)
    a.local.emit('callAnswered', { callId })
    await c.phone.hold(true)
    b.phone.setMuted(true)
    await vi.waitFor(() => expect(a.local.actions).toEqual(['register:1001', `call:${NUMBER}`, 'hold:true', 'mute:true']))
    await vi.waitFor(() => {
      for (const frame of [a, b, c]) {
        expect(frame.heardOf('held').map(h => h.payload)).toEqual([{ held: true }])
        expect(frame.heardOf('muted').map(h => h.payload)).toEqual([{ muted: true }])
      }
    })
    await a.phone.hold(false)
    await vi.waitFor(() => expect(c.heardOf('held').map(h => h.payload)).toEqual([{ held: true }, { held: false }]))
  })

  it('the owner\'s inbound call rings in every frame, reported by the owner; Answer in a mirror answers on the owner', async () => {
    const { a, b } = await signedInFromMirror()
    a.local.emit('incomingCall', { callId: 'in-1', fromNumber: '+15550100', displayName: 'Bob' })
    await vi.waitFor(() => expect(b.heardOf('incomingCall').map(h => h.payload)).toEqual([{ callId: 'in-1', fromNumber: '+15550100', displayName: 'Bob' }]))
    expect(b.phone.reporterOf('in-1')).toBe('a')
    expect(a.phone.reporterOf('in-1')).toBe('a')
    await b.phone.answer()
    expect(a.local.actions).toContain('answer')
    a.local.emit('callAnswered', { callId: 'in-1' })
    a.local.emit('callEnded', { callId: 'in-1', cause: { type: 'hangup', by: 'remote' } })
    await vi.waitFor(() => expect(b.heard.slice(-2).map(h => h.event)).toEqual(['callAnswered', 'callEnded']))
    expect(b.heard.every(h => !h.replaying)).toBe(true)
  })

  it('availability set in a mirror reaches the owner\'s phone and every frame', async () => {
    const { a, b } = await signedInFromMirror()
    b.phone.setAvailable(false)
    await vi.waitFor(() => expect(a.local.actions).toContain('available:false'))
    await vi.waitFor(() => {
      for (const frame of [a, b])
        expect(frame.heardOf('availability').map(h => h.payload)).toEqual([{ available: false }])
    })
  })
})

describe('every control of a mirror runs on the owner', () => {
  it('keys, transfers, consultation, decline, hang up and statistics', async () => {
    const { a, b } = await signedInFromMirror()
    const stats = { at: 1, rttMs: 20, jitterMs: 3, packetsReceived: 10, packetsLost: 0, packetsSent: 9, remoteFractionLost: null, remoteReports: 1 }
    a.local.stats = stats
    await b.phone.sendDtmf('12#')
    await b.phone.transfer('+15550100')
    expect(await b.phone.startConsultation('+15550101')).toEqual({ callId: 'consult-1@test' })
    await b.phone.completeTransfer()
    await b.phone.cancelConsultation()
    await b.phone.decline(486)
    await b.phone.decline()
    await b.phone.hangup()
    expect(await b.phone.sampleStats()).toEqual(stats)
    await b.phone.unregister()
    expect(a.local.actions).toEqual([
      'register:1001', 'dtmf:12#', 'transfer:+15550100', 'consult:+15550101', 'completeTransfer', 'cancelConsultation',
      'decline:486', 'decline:603', 'hangup', 'unregister',
    ])
    await vi.waitFor(() => expect(lastState(b)).toBe('unregistered'))
  })

  it('the microphone picked in a mirror is the phone\'s; its audio element, microphone and Do not disturb apply to its own phone when it becomes the owner', async () => {
    const a = await profile.frame('a')
    await owner(a)
    const b = await profile.frame('b')
    await profile.bus.flush()
    const audio = { tagName: 'AUDIO' } as unknown as HTMLAudioElement
    b.phone.setRemoteAudioElement(audio)
    await b.phone.setInputDevice('usb-headset')
    b.phone.setAvailable(false)
    await vi.waitFor(() => expect(a.local.actions).toContain('available:false'))
    // The microphone picked in any frame is the phone's; the audio element stays with its frame
    // (the owner's phone plays in the owner's frame).
    expect(a.local.inputDevice).toBe('usb-headset')
    expect(a.local.audio).toBeNull()
    await a.phone.dispose()
    await owner(b)
    expect(b.local.audio).toBe(audio)
    expect(b.local.inputDevice).toBe('usb-headset')
    expect(b.local.actions).toContain('available:false')
  })
})

describe('a frame that arrives mid-call', () => {
  it('replays the registration and the call so far, with their times, as a replay; then follows live', async () => {
    let clock = 1_700_000_000_000
    const a = await profile.frame('a', { now: () => clock })
    await owner(a)
    await a.phone.register(AGENT)
    const { callId } = await a.phone.call(NUMBER, LABEL)
    clock += 2000
    a.local.emit('callProgress', { callId, statusCode: 180, earlyMedia: false })
    clock += 3000
    a.local.emit('callAnswered', { callId })
    clock += 1000
    await a.phone.hold(true)
    clock += 60_000
    const c = await profile.frame('c')
    await vi.waitFor(() => expect(c.heardOf('held')).toHaveLength(1))
    await profile.bus.flush()
    const start = 1_700_000_000_000
    expect(c.heard.map(h => [h.event, h.payload, h.replaying])).toEqual([
      ['registration', { state: 'registered', identity: { user: '1001', displayName: 'Ann Agent' } }, true],
      ['callStarted', { callId, target: NUMBER, label: LABEL, at: start }, true],
      ['callProgress', { callId, statusCode: 180, earlyMedia: false }, true],
      ['callAnswered', { callId, at: start + 5000 }, true],
      ['held', { held: true }, true],
    ])
    expect(c.phone.reporterOf(callId)).toBe('a')
    expect(c.phone.replaying()).toBe(false)
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'local' } })
    await vi.waitFor(() => expect(c.heardOf('callEnded').map(h => h.replaying)).toEqual([false]))
  })

  it('hears a ringing call once, though it says hello again on learning the owner and its location', async () => {
    const { a } = await signedInFromMirror()
    a.local.emit('incomingCall', { callId: 'in-1', fromNumber: '+15550100', displayName: 'Bob' })
    const c = await profile.frame('c', { location: 'unknown' })
    await vi.waitFor(() => expect(c.heardOf('incomingCall')).toHaveLength(1))
    c.location = 'remote'
    c.phone.locationChanged()
    await vi.waitFor(() => expect(profile.bus.posted.filter(m => m.type === 'snapshot' && m.to === 'c').length).toBeGreaterThanOrEqual(3))
    await profile.bus.flush()
    expect(c.heardOf('incomingCall').map(h => [h.payload.callId, h.replaying])).toEqual([['in-1', true]])
    expect(c.heardOf('registration')).toHaveLength(1)
  })

  it('after the call ended, a new frame gets the registration only', async () => {
    const { a } = await signedInFromMirror()
    const { callId } = await a.phone.call(NUMBER)
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'local' } })
    const c = await profile.frame('c')
    await vi.waitFor(() => expect(c.heardOf('registration')).toHaveLength(1))
    await profile.bus.flush()
    expect(c.heard.map(h => h.event)).toEqual(['registration'])
  })
})

describe('a new frame learns the phone before its stores show the agent signed out', () => {
  const NEVER = 60_000
  /** What `frame`'s stores had heard (event:state) when it joined. */
  function heardWhenJoined(frame: TestFrame): string[] {
    const heard: string[] = []
    frame.phone.onJoined(() => heard.push(...frame.heard.map(h => `${h.event}:${String(h.payload.state ?? '')}`)))
    return heard
  }

  it('a frame opened while the agent is signed in joins with the owner\'s snapshot, having heard the registration', async () => {
    const { a } = await signedInFromMirror()
    await vi.waitFor(() => expect(lastState(a)).toBe('registered'))
    const c = await profile.frame('c', { joinWaitMs: NEVER })
    expect(c.phone.joined()).toBe(false)
    const heard = heardWhenJoined(c)
    await vi.waitFor(() => expect(c.phone.joined()).toBe(true))
    expect(heard).toEqual(['registration:registered'])
    expect(c.phone.isOwner()).toBe(false)
  })

  it('with nobody signed in, the owner\'s snapshot (empty) is enough', async () => {
    const a = await profile.frame('a', { joinWaitMs: NEVER })
    await owner(a)
    const b = await profile.frame('b', { joinWaitMs: NEVER })
    const heard = heardWhenJoined(b)
    await vi.waitFor(() => expect(b.phone.joined()).toBe(true))
    expect(heard).toEqual([])
  })

  it('the first frame joins once it took the phone; a handler added after that is never called', async () => {
    const a = await profile.frame('a', { joinWaitMs: NEVER })
    await owner(a)
    await vi.waitFor(() => expect(a.phone.joined()).toBe(true))
    const late = vi.fn()
    a.phone.onJoined(late)
    await profile.bus.flush()
    expect(late).not.toHaveBeenCalled()
  })

  it('a frame nobody answers (an election over the lease still running) joins after joinWaitMs, before it owns the phone', async () => {
    const a = await profile.frame('a', { lease: true, joinWaitMs: 20 })
    const joined = vi.fn()
    a.phone.onJoined(joined)
    await vi.waitFor(() => expect(joined).toHaveBeenCalledTimes(1))
    expect(a.phone.isOwner()).toBe(false)
  })
})

describe('the calling window takes the phone over', () => {
  it('once idle: the owner unREGISTERs and hands the credentials to the window, which registers; the lock never passes through another tab', async () => {
    const { a, b } = await signedInFromMirror()
    await vi.waitFor(() => expect(lastState(b)).toBe('registered'))
    const heardBefore = b.heardOf('registration').length
    const w = await profile.frame('w', { location: 'unknown' })
    await profile.bus.flush()
    // HubSpot's SYNC tells the frame it is the calling window.
    w.location = 'window'
    w.phone.locationChanged()
    await owner(w)
    await vi.waitFor(() => expect(w.local.actions).toEqual(['register:1001']))
    expect(w.local.credentials).toEqual(AGENT)
    expect(a.locals[0]!.actions).toEqual(['register:1001', 'unregister', 'dispose'])
    expect(a.phone.isOwner()).toBe(false)
    expect(profile.locks.grants).toEqual([`${LOCK}:a`, `${LOCK}:w`])
    // No frame saw the agent signed out, or signing in, during the hand-over (the window's REGISTER
    // says `registering` as it goes out): the dialer stays, and what is typed in it.
    expect(b.heardOf('registration').slice(heardBefore).map(h => h.payload.state)).toEqual(['registered'])
    expect(w.heardOf('registration').map(h => h.payload.state)).not.toContain('registering')
    // Commands now go to the window, which reports the calls.
    const { callId } = await b.phone.call(NUMBER)
    expect(w.local.actions).toContain(`call:${NUMBER}`)
    expect(a.locals).toHaveLength(1)
    await vi.waitFor(() => expect(b.phone.reporterOf(callId)).toBe('w'))
  })

  it('not during a call: the owner keeps the phone until the call ended, then hands it over', async () => {
    const { a, b } = await signedInFromMirror()
    const { callId } = await b.phone.call(NUMBER)
    a.local.emit('callAnswered', { callId })
    const w = await profile.frame('w', { location: 'window' })
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'handover-request' && m.from === 'w')).toBe(true))
    await profile.bus.flush()
    expect(a.phone.isOwner()).toBe(true)
    expect(w.locals).toHaveLength(0)
    expect(a.local.actions).not.toContain('unregister')
    // The window mirrors the call meanwhile.
    expect(w.heardOf('callAnswered')).toHaveLength(1)
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    await owner(w)
    await vi.waitFor(() => expect(w.local.actions).toEqual(['register:1001']))
  })
})

/** The calling window `w` opens and takes the phone, its REGISTER held on the wire until `release()`. */
async function windowTakingThePhone(): Promise<{ w: TestFrame, release: () => void }> {
  let release = (): void => {}
  const w = await profile.frame('w', { location: 'window', onLocal: (sip) => {
    release = sip.holdRegistration()
  } })
  await owner(w)
  await vi.waitFor(() => expect(w.local.registering).toBe(true))
  return { w, release: () => release() }
}

/** How `promise` settled so far: undefined while pending, else its value or its error. */
function outcomeOf<T>(promise: Promise<T>): () => T | Error | undefined {
  let outcome: T | Error | undefined
  promise.then(value => outcome = value, (error: Error) => outcome = error)
  return () => outcome
}

describe('a dial while the phone changes frames', () => {
  it('in the calling window that just took the phone: it waits for the window\'s REGISTER and is placed there', async () => {
    const { a } = await signedInFromMirror()
    const { w, release } = await windowTakingThePhone()
    // The window's stores still show the agent signed in (they never heard otherwise): the agent dials.
    const placed = outcomeOf(w.phone.call(NUMBER, LABEL))
    await profile.bus.flush()
    expect(placed()).toBeUndefined()
    release()
    await vi.waitFor(() => expect(placed()).toEqual({ callId: 'call-1@test' }))
    expect(w.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
    expect(w.phone.reporterOf('call-1@test')).toBe('w')
    expect(a.locals).toHaveLength(1)
  })

  it('from a mirror while the window registers: the command waits on the window, then the call is placed', async () => {
    const { b } = await signedInFromMirror()
    const { w, release } = await windowTakingThePhone()
    const placed = b.phone.call(NUMBER)
    await profile.bus.flush()
    expect(w.local.actions).toEqual([])
    release()
    await expect(placed).resolves.toEqual({ callId: 'call-1@test' })
    expect(w.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
  })

  it('in the tab handing the phone over: the call waits, then is placed by the window that took it', async () => {
    const { a } = await signedInFromMirror()
    // The window's "take it" is held back: the tab has stopped its phone and still holds the lock.
    // Then the window's announcement is held back too: the tab lost the lock before it heard who has it.
    let ready: unknown
    let announced: unknown
    profile.bus.drop((message) => {
      if (message.type === 'handover-ready' && !ready)
        ready = message
      else if (message.type === 'owner' && message.from === 'w' && !announced)
        announced = message
      else
        return false
      return true
    })
    const w = await profile.frame('w', { location: 'window' })
    await vi.waitFor(() => expect(ready).toBeDefined())
    expect(a.phone.isOwner()).toBe(true)
    expect(a.locals[0]!.actions).toEqual(['register:1001', 'unregister', 'dispose'])
    const placed = outcomeOf(a.phone.call(NUMBER))
    await profile.bus.flush()
    expect(placed()).toBeUndefined()
    profile.bus.inject(ready)
    await vi.waitFor(() => expect(a.phone.isOwner()).toBe(false))
    await profile.bus.flush()
    expect(placed()).toBeUndefined()
    profile.bus.inject(announced)
    await vi.waitFor(() => expect(placed()).toEqual({ callId: 'call-1@test' }))
    expect(w.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
    expect(a.locals).toHaveLength(1)
    expect(a.phone.reporterOf('call-1@test')).toBe('w')
  })
})

describe('a hand-over that did not happen', () => {
  it('the calling window closed during the call: the owner keeps the phone registered after the call', async () => {
    const { a, b } = await signedInFromMirror()
    const { callId } = await b.phone.call(NUMBER)
    const w = await profile.frame('w', { location: 'window' })
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'handover-request' && m.from === 'w')).toBe(true))
    await profile.bus.flush()
    await w.phone.dispose()
    await profile.bus.flush()
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    await profile.bus.flush()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(a.phone.isOwner()).toBe(true)
    expect(a.local.actions).not.toContain('unregister')
    expect(profile.bus.posted.some(m => m.type === 'handover-ready')).toBe(false)
  })

  it('the window took the phone and closed again: the old owner, owner again, is not handed over after its next call', async () => {
    const a = await profile.frame('a')
    await owner(a)
    await a.phone.register(AGENT)
    const w = await profile.frame('w', { location: 'window' })
    await owner(w)
    await vi.waitFor(() => expect(w.local.actions).toEqual(['register:1001']))
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.from === 'w')).toBe(true))
    await profile.bus.flush()
    await w.phone.dispose()
    await owner(a)
    await vi.waitFor(() => expect(a.local.actions).toEqual(['register:1001']))
    const { callId } = await a.phone.call(NUMBER)
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    await profile.bus.flush()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(a.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
    expect(profile.bus.posted.filter(m => m.type === 'handover-ready')).toHaveLength(1)
  })
})

describe('the owner\'s frame goes away during a call', () => {
  it('and its bye never arrives (it crashed, or the lock passed first): the new owner reports the call, so HubSpot hears its end', async () => {
    const { a, b } = await signedInFromMirror()
    const w = await profile.frame('w', { location: 'window' })
    await owner(w)
    await vi.waitFor(() => expect(w.local.actions).toEqual(['register:1001']))
    const { callId } = await b.phone.call(NUMBER)
    await vi.waitFor(() => expect(a.phone.reporterOf(callId)).toBe('w'))
    w.local.emit('callAnswered', { callId })
    await vi.waitFor(() => expect(a.heardOf('callAnswered')).toHaveLength(1))
    profile.bus.cut('w')
    await w.phone.dispose()
    await vi.waitFor(() => expect(a.phone.isOwner() || b.phone.isOwner()).toBe(true))
    const next = a.phone.isOwner() ? a : b
    await vi.waitFor(() => expect(next.heardOf('callEnded')).toHaveLength(1))
    expect(next.phone.reporterOf(callId)).toBe(next.id)
  })

  it('the call went with it: the new owner ends it in every frame, so no frame is stuck in a call that is gone', async () => {
    const { a, b } = await signedInFromMirror()
    const c = await profile.frame('c')
    await profile.bus.flush()
    const { callId } = await b.phone.call(NUMBER)
    a.local.emit('callAnswered', { callId })
    await vi.waitFor(() => expect(c.heardOf('callAnswered')).toHaveLength(1))
    await a.phone.dispose()
    await owner(b)
    for (const frame of [b, c]) {
      await vi.waitFor(() => expect(frame.heardOf('callEnded').map(h => h.payload)).toEqual([
        { callId, cause: { type: 'transport-error', message: expect.stringMatching(/closed/) } },
      ]))
    }
    // The agent can call again, from the new owner's phone.
    await vi.waitFor(() => expect(b.local.actions).toEqual(['register:1001']))
    b.local.nextCallId = 'call-2@test'
    await c.phone.call(NUMBER)
    expect(b.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
  })

  it('a new owner after an idle owner ends nothing', async () => {
    const { a, b } = await signedInFromMirror()
    const { callId } = await b.phone.call(NUMBER)
    a.local.emit('callEnded', { callId, cause: { type: 'hangup', by: 'remote' } })
    await vi.waitFor(() => expect(b.heardOf('callEnded')).toHaveLength(1))
    await a.phone.dispose()
    await owner(b)
    await vi.waitFor(() => expect(b.local.actions).toEqual(['register:1001']))
    expect(b.heardOf('callEnded')).toHaveLength(1)
  })
})

describe('a hand-over the calling window does not take', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /**
   * The calling window asks for the phone, then vanishes without a bye (it crashed): the owner has
   * stopped its phone and sent the hand-over nobody takes. Fake timers from here on.
   */
  async function handOverToAWindowThatCrashes(): Promise<void> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    profile.bus.drop((message) => {
      if (message.type === 'handover-request')
        profile.bus.cut('w')
      return false
    })
    await profile.frame('w', { location: 'window' })
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'handover-ready')).toBe(true))
  }

  it('the owner starts its phone again with the credentials it kept', async () => {
    const { a, b } = await signedInFromMirror()
    await handOverToAWindowThatCrashes()
    expect(a.local.actions).toEqual(['register:1001', 'unregister', 'dispose'])
    expect(a.phone.isOwner()).toBe(true) // the lock stays here meanwhile
    await vi.advanceTimersByTimeAsync(3000)
    await vi.waitFor(() => expect(a.locals).toHaveLength(2))
    await vi.waitFor(() => expect(a.local.actions).toEqual(['register:1001']))
    expect(a.local.credentials).toEqual(AGENT)
    await vi.waitFor(() => expect(lastState(b)).toBe('registered'))
    expect(profile.locks.grants).toEqual([`${LOCK}:a`])
  })

  it('a dial in the owner\'s tab meanwhile waits, and is placed once the phone started here again', async () => {
    const { a } = await signedInFromMirror()
    await handOverToAWindowThatCrashes()
    const placed = outcomeOf(a.phone.call(NUMBER))
    await profile.bus.flush()
    expect(placed()).toBeUndefined()
    expect(a.locals).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(3000)
    await vi.waitFor(() => expect(placed()).toEqual({ callId: 'call-1@test' }))
    expect(a.locals).toHaveLength(2)
    expect(a.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
  })
})

describe('a new owner without the agent', () => {
  it('gets the credentials from the standby frame and registers', async () => {
    const a = await profile.frame('a')
    await owner(a)
    // The lock queue: c before b; the standby is b (the first frame the owner met).
    const electionC = profile.electionFor('c')
    const b = await profile.frame('b')
    await profile.bus.flush()
    const c = await profile.frame('c', { election: electionC })
    await profile.bus.flush()
    await a.phone.register(AGENT)
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
    await profile.bus.flush()
    await a.phone.dispose()
    await owner(c)
    await vi.waitFor(() => expect(c.local.actions).toEqual(['register:1001']))
    expect(c.local.credentials).toEqual(AGENT)
    expect(profile.bus.posted.some(m => m.type === 'credentials-request' && m.from === 'c')).toBe(true)
    await vi.waitFor(() => expect(b.heardOf('registration').at(-1)?.payload.state).toBe('registered'))
  })

  it('the standby itself becomes the owner: it registers with its sealed copy, without asking', async () => {
    const { a, b } = await signedInFromMirror()
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
    await profile.bus.flush()
    await a.phone.dispose()
    await owner(b)
    await vi.waitFor(() => expect(b.local.actions).toEqual(['register:1001']))
    expect(profile.bus.posted.some(m => m.type === 'credentials-request')).toBe(false)
  })

  it('with no standby left, every frame hears "unregistered": the agent signs in again', async () => {
    const a = await profile.frame('a')
    await owner(a)
    const electionC = profile.electionFor('c')
    const b = await profile.frame('b')
    await profile.bus.flush()
    const c = await profile.frame('c', { election: electionC, credentialsWaitMs: 30 })
    await profile.bus.flush()
    await a.phone.register(AGENT)
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
    await profile.bus.flush()
    // The owner's window and the standby's close together.
    await Promise.all([b.phone.dispose(), a.phone.dispose()])
    await owner(c)
    await vi.waitFor(() => expect(lastState(c)).toBe('unregistered'))
    expect(c.local.actions).toEqual([])
  })

  it('after the agent signed out, nobody keeps the password: the next owner does not register', async () => {
    const { a, b } = await signedInFromMirror()
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
    await b.phone.unregister()
    await vi.waitFor(() => expect(lastState(b)).toBe('unregistered'))
    await a.phone.dispose()
    await owner(b)
    await profile.bus.flush()
    expect(b.local.actions).toEqual([])
    expect(b.local.credentials).toBeNull()
    expect(profile.bus.posted.some(m => m.type === 'credentials-request')).toBe(false)
  })

  it('a frame that never saw a registration does not ask for credentials', async () => {
    const a = await profile.frame('a')
    await owner(a)
    const b = await profile.frame('b', { credentialsWaitMs: 30 })
    await profile.bus.flush()
    await a.phone.dispose()
    await owner(b)
    await profile.bus.flush()
    expect(profile.bus.posted.some(m => m.type === 'credentials-request')).toBe(false)
    expect(b.heardOf('registration')).toEqual([])
  })
})

describe('failures across the channel', () => {
  it('a registration failure reaches the mirror as a RegistrationError with its kind and status', async () => {
    const a = await profile.frame('a')
    await owner(a)
    const b = await profile.frame('b')
    await profile.bus.flush()
    a.local.registerError = new RegistrationError({ kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' })
    const error = await b.phone.register(AGENT).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistrationError)
    expect((error as RegistrationError).failure).toEqual({ kind: 'auth', statusCode: 401, message: 'Wrong extension or password.' })
    // Nothing was kept for a standby.
    await profile.bus.flush()
    expect(profile.bus.posted.some(m => m.type === 'standby')).toBe(false)
  })

  it('a call failure reaches the mirror as a CallError with its kind; another error keeps its message', async () => {
    const { a, b } = await signedInFromMirror()
    a.local.callError = new CallError('invalid-target', 'That is not a phone number.')
    const error = await b.phone.call('x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CallError)
    expect(error).toMatchObject({ kind: 'invalid-target', message: 'That is not a phone number.' })
    a.local.holdError = new TypeError('boom')
    const other = await b.phone.hold(true).catch((e: unknown) => e)
    expect(other).toBeInstanceOf(Error)
    expect(other).not.toBeInstanceOf(CallError)
    expect((other as Error).message).toBe('boom')
  })

  it('a frame with an unusable key (another build) cannot break the sign-in or the standby', async () => {
    const a = await profile.frame('a')
    await owner(a)
    profile.bus.inject({ v: FRAME_PROTOCOL_VERSION, from: 'odd-build', type: 'hello', location: 'remote', publicKey: { kty: 'EC' } })
    await profile.bus.flush()
    const b = await profile.frame('b')
    await profile.bus.flush()
    await b.phone.register(AGENT)
    expect(a.local.actions).toEqual(['register:1001'])
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
  })

  it('a calling window with an unusable key (another build) does not get the phone stopped for it', async () => {
    const a = await profile.frame('a')
    await owner(a)
    await a.phone.register(AGENT)
    profile.bus.inject({ v: FRAME_PROTOCOL_VERSION, from: 'odd-window', type: 'handover-request', publicKey: { kty: 'EC' } })
    await profile.bus.flush()
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(a.local.actions).toEqual(['register:1001'])
    expect(a.phone.isOwner()).toBe(true)
    expect(profile.bus.posted.some(m => m.type === 'handover-ready')).toBe(false)
  })

  it('a command to an owner that does not answer fails with a message the agent can act on', async () => {
    const a = await profile.frame('a')
    await owner(a)
    const b = await profile.frame('b', { commandTimeoutMs: 40 })
    await profile.bus.flush()
    profile.bus.cut('a')
    const error = await b.phone.hangup().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CallError)
    expect((error as Error).message).toMatch(/did not answer/)
    expect(a.local.actions).toEqual([])
  })

  it('a command asked while no owner is known runs here when this frame becomes the owner', async () => {
    // The lock is still held by a page that is going away (a reload); this frame waits for it.
    let release!: () => void
    void profile.locks.manager('old-page').request(LOCK, () => new Promise<void>((resolve) => {
      release = resolve
    }))
    // Longer than the test's own timeout: only an answer from this frame's own phone lets it pass.
    const b = await profile.frame('b', { commandTimeoutMs: 60_000 })
    await vi.waitFor(() => expect(release).toBeDefined())
    const signIn = b.phone.register(AGENT)
    await profile.bus.flush()
    release()
    await signIn
    expect(b.local.actions).toEqual(['register:1001'])
    expect(b.heardOf('registration').map(h => h.payload.state)).toEqual(['registering', 'registered'])
  })

  it('a command in flight when the owner\'s frame goes away fails at once: the phone moved', async () => {
    const a = await profile.frame('a')
    await owner(a)
    // The next owner is c, not b.
    const electionC = profile.electionFor('c')
    // Longer than the test's own timeout: only the bye can fail the command in time.
    const b = await profile.frame('b', { commandTimeoutMs: 60_000 })
    await profile.frame('c', { election: electionC })
    await profile.bus.flush()
    // The owner receives the command and goes away before it answers.
    a.local.transfer = () => new Promise(() => {})
    const transfer = b.phone.transfer('+15550100').catch((e: unknown) => e)
    await vi.waitFor(() => expect(a.local.actions).toEqual([]))
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'command' && m.method === 'transfer')).toBe(true))
    await profile.bus.flush()
    await a.phone.dispose()
    const error = await transfer
    expect(error).toBeInstanceOf(CallError)
    expect((error as Error).message).toMatch(/moved to another HubSpot window/)
  })

  it('a command with no owner anywhere fails the same way, after the timeout', async () => {
    // Another page holds the lock and says nothing.
    void profile.locks.manager('x').request(LOCK, () => new Promise(() => {}))
    const b = await profile.frame('b', { commandTimeoutMs: 40 })
    const error = await b.phone.call(NUMBER).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CallError)
    expect((error as Error).message).toMatch(/did not answer/)
    expect(b.locals).toEqual([])
  })

  it('the agent reads why in their language: the message is made when the command fails', async () => {
    await useLocale('de')
    try {
      void profile.locks.manager('x').request(LOCK, () => new Promise(() => {}))
      const b = await profile.frame('b', { commandTimeoutMs: 40 })
      const error = await b.phone.call(NUMBER).catch((e: unknown) => e)
      expect((error as Error).message).toBe('Das Telefon in Ihrem anderen HubSpot-Fenster hat nicht geantwortet. Schließen Sie andere HubSpot-Fenster oder laden Sie dieses neu.')
    }
    finally {
      setLocale('en')
    }
  })
})

describe('where the browser denies Web Locks (the lease over the channel)', () => {
  it('one owner, and the calling window takes the phone over from it', async () => {
    const a = await profile.frame('a', { lease: true })
    const b = await profile.frame('b', { lease: true })
    await vi.waitFor(() => expect(a.phone.isOwner() || b.phone.isOwner()).toBe(true), { timeout: 3000 })
    const first = a.phone.isOwner() ? a : b
    const other = first === a ? b : a
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'owner' && m.from === first.id)).toBe(true))
    await profile.bus.flush()
    await other.phone.register(AGENT)
    expect(first.local.actions).toEqual(['register:1001'])
    expect(other.locals).toEqual([])
    const w = await profile.frame('w', { lease: true, location: 'window' })
    await vi.waitFor(() => expect(w.phone.isOwner()).toBe(true), { timeout: 3000 })
    await vi.waitFor(() => expect(w.local.actions).toEqual(['register:1001']))
    await vi.waitFor(() => expect(first.phone.isOwner()).toBe(false))
    expect(first.locals[0]!.actions).toEqual(['register:1001', 'unregister', 'dispose'])
    expect(other.phone.isOwner()).toBe(false)
    // Commands go to the window now.
    await other.phone.call(NUMBER)
    expect(w.local.actions).toEqual(['register:1001', `call:${NUMBER}`])
  })

  it('the owner\'s frame closes: another frame claims the phone and registers with the standby\'s copy', async () => {
    const a = await profile.frame('a', { lease: true })
    await vi.waitFor(() => expect(a.phone.isOwner()).toBe(true), { timeout: 3000 })
    const b = await profile.frame('b', { lease: true })
    // The sign-in waits until b has heard of the owner.
    await b.phone.register(AGENT)
    await vi.waitFor(() => expect(profile.bus.posted.some(m => m.type === 'standby' && m.to === 'b')).toBe(true))
    await profile.bus.flush()
    await a.phone.dispose()
    await vi.waitFor(() => expect(b.phone.isOwner()).toBe(true), { timeout: 3000 })
    await vi.waitFor(() => expect(b.local.actions).toEqual(['register:1001']))
  })
})
