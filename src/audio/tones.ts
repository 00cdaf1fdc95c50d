/**
 * Tones the softphone makes itself with WebAudio (no sound files to ship): the key tone the
 * agent hears on each keypad press, and the ringback while an outbound call rings without
 * early media. Every function is a no-op where WebAudio is missing (tests, old browsers).
 */
import type { DtmfKey } from '@/domain/dtmf'
import { dtmfFrequencies } from '@/domain/dtmf'

interface SinkableAudioContext extends AudioContext {
  setSinkId?: (sinkId: string) => Promise<void>
}

/** A ringback cadence: both frequencies together, on/off pattern in seconds, repeated. */
export interface Cadence {
  frequencies: readonly number[]
  /** on, off, on, off… seconds; the pattern repeats. */
  pattern: readonly number[]
}

/** UK (BT): 400 + 450 Hz, 0.4 on 0.2 off 0.4 on 2.0 off. */
export const UK_RINGBACK: Cadence = { frequencies: [400, 450], pattern: [0.4, 0.2, 0.4, 2.0] }
/** North America (and the default elsewhere): 440 + 480 Hz, 2 s on 4 s off. */
export const US_RINGBACK: Cadence = { frequencies: [440, 480], pattern: [2, 4] }

/** The ringback the agent expects: the one of the country they usually call. */
export function ringbackFor(country: string | undefined): Cadence {
  return country === 'GB' || country === 'IE' ? UK_RINGBACK : US_RINGBACK
}

const VOLUME = 0.1
const KEY_TONE_SECONDS = 0.12
/**
 * How long the key tones' context stays running after the last tone ends. A running
 * AudioContext renders (silence) on an audio thread for as long as it lives, ~5 ms of CPU per
 * second in Chromium, so after one keypad press it cost that for the rest of the call; it is
 * suspended once the keys stop and resumed by the next press. Half a second keeps it running
 * through a burst of keys (an IVR menu choice), so those tones start without the resume's delay.
 */
export const KEY_TONE_IDLE_MS = 500

/** A running context on `sinkId` ('' or undefined: the default output), or null without WebAudio. */
export function newContext(sinkId: string | undefined): SinkableAudioContext | null {
  const Ctx = typeof window === 'undefined' ? undefined : window.AudioContext
  if (!Ctx)
    return null
  try {
    const ctx: SinkableAudioContext = new Ctx()
    if (sinkId && ctx.setSinkId)
      ctx.setSinkId(sinkId).catch(() => { /* the device is gone: the default output plays it */ })
    ctx.resume().catch(() => { /* autoplay refused until the agent interacts */ })
    return ctx
  }
  catch {
    return null
  }
}

/** One started sine oscillator per frequency (Hz), all into `gain`. */
export function oscillators(ctx: AudioContext, frequencies: readonly number[], gain: GainNode): OscillatorNode[] {
  return frequencies.map((frequency) => {
    const oscillator = ctx.createOscillator()
    oscillator.frequency.value = frequency
    oscillator.connect(gain)
    oscillator.start()
    return oscillator
  })
}

/**
 * Plays short DTMF key tones on one lazily created context, suspended `KEY_TONE_IDLE_MS` after
 * the last tone ends and resumed by the next key.
 */
export function createKeyTonePlayer(sinkId: () => string | undefined = () => undefined) {
  let ctx: SinkableAudioContext | null = null
  let currentSink: string | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined

  function suspendWhenIdle(context: SinkableAudioContext): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      idleTimer = undefined
      if (ctx === context)
        context.suspend().catch(() => { /* closed meanwhile: nothing renders */ })
    }, KEY_TONE_SECONDS * 1000 + KEY_TONE_IDLE_MS)
  }

  return {
    play(key: DtmfKey): void {
      const sink = sinkId()
      if (ctx && sink !== currentSink) {
        void ctx.close().catch(() => {})
        ctx = null
      }
      if (!ctx) {
        ctx = newContext(sink)
        currentSink = sink
      }
      else if (ctx.state === 'suspended') {
        // The tone is scheduled on the context's clock, which waits with it: it plays once resumed.
        ctx.resume().catch(() => { /* autoplay refused until the agent interacts */ })
      }
      if (!ctx)
        return
      suspendWhenIdle(ctx)
      try {
        const gain = ctx.createGain()
        gain.connect(ctx.destination)
        const start = ctx.currentTime
        gain.gain.setValueAtTime(0, start)
        gain.gain.linearRampToValueAtTime(VOLUME, start + 0.005)
        gain.gain.setValueAtTime(VOLUME, start + KEY_TONE_SECONDS - 0.01)
        gain.gain.linearRampToValueAtTime(0, start + KEY_TONE_SECONDS)
        for (const oscillator of oscillators(ctx, dtmfFrequencies(key), gain))
          oscillator.stop(start + KEY_TONE_SECONDS + 0.01)
      }
      catch {
        // A broken audio output must never get in the way of the key press itself.
      }
    },
    dispose(): void {
      clearTimeout(idleTimer)
      idleTimer = undefined
      void ctx?.close().catch(() => {})
      ctx = null
    },
  }
}

/**
 * Ends a tone without holding up the task that ends it: the tone is cut from the output at once
 * (`gain` disconnected from the destination) and the context is closed one task later. Closing
 * an AudioContext stops its output device synchronously (~2 ms in the bench), and the task that
 * stops the ringback is the one that tells HubSpot CALL_ANSWERED, which HubSpot receives only
 * once that task is over.
 */
export function closeSoon(ctx: AudioContext, gain: AudioNode): void {
  try {
    gain.disconnect()
  }
  catch {
    // Already disconnected: it is silent either way.
  }
  setTimeout(() => {
    ctx.close().catch(() => { /* closed meanwhile */ })
  }, 0)
}

/** Starts a looping cadence; returns the function that stops it (silent at once, its context closed one task later). */
export function startCadence(cadence: Cadence, sinkId?: string): (() => void) | null {
  const ctx = newContext(sinkId)
  if (!ctx)
    return null
  try {
    const gain = ctx.createGain()
    gain.gain.value = 0
    gain.connect(ctx.destination)
    oscillators(ctx, cadence.frequencies, gain)
    const period = cadence.pattern.reduce((a, b) => a + b, 0)
    let scheduledUntil = ctx.currentTime + 0.05
    const schedule = (): void => {
      // Keep ~2 periods scheduled ahead.
      while (scheduledUntil < ctx.currentTime + period * 2) {
        let t = scheduledUntil
        cadence.pattern.forEach((seconds, i) => {
          const on = i % 2 === 0
          gain.gain.setValueAtTime(on ? VOLUME : 0, t)
          t += seconds
        })
        scheduledUntil = t
      }
    }
    schedule()
    const timer = setInterval(schedule, Math.max(500, period * 500))
    return () => {
      clearInterval(timer)
      closeSoon(ctx, gain)
    }
  }
  catch {
    void ctx.close().catch(() => {})
    return null
  }
}
