/**
 * The ringback and key tones: which tone for which country, the cadence started only while
 * ringing without early media and stopped on answer/failure/unmount.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'

const stops: Array<ReturnType<typeof vi.fn>> = []
const started: Array<{ cadence: unknown, sink: unknown }> = []
vi.mock('@/audio/tones', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/audio/tones')>()
  return {
    ...real,
    startCadence: (cadence: unknown, sink: unknown) => {
      started.push({ cadence, sink })
      const stop = vi.fn()
      stops.push(stop)
      return stop
    },
  }
})

const { useRingback } = await import('@/composables/useRingback')
const { ringbackFor, UK_RINGBACK, US_RINGBACK, createKeyTonePlayer, KEY_TONE_IDLE_MS } = await import('@/audio/tones')

afterEach(() => {
  stops.length = 0
  started.length = 0
})

describe('ringbackFor', () => {
  it('UK cadence for GB and IE, North American otherwise', () => {
    expect(ringbackFor('GB')).toBe(UK_RINGBACK)
    expect(ringbackFor('IE')).toBe(UK_RINGBACK)
    expect(ringbackFor('US')).toBe(US_RINGBACK)
    expect(ringbackFor(undefined)).toBe(US_RINGBACK)
    expect(UK_RINGBACK.frequencies).toEqual([400, 450])
    expect(US_RINGBACK.pattern).toEqual([2, 4])
  })
})

describe('useRingback', () => {
  function setup(ringingAtStart = false, early = false) {
    const ringing = ref(ringingAtStart)
    const earlyMedia = ref(early)
    const scope = effectScope()
    const result = scope.run(() => useRingback({ ringing, earlyMedia, cadence: () => UK_RINGBACK, sinkId: () => 'headset' }))!
    return { ringing, earlyMedia, scope, state: result.state }
  }

  it('plays the local tone on the chosen output while it rings, stops on answer', async () => {
    const { ringing, state } = setup()
    expect(state.value).toBe('off')
    ringing.value = true
    await nextTick()
    expect(state.value).toBe('local')
    expect(started).toEqual([{ cadence: UK_RINGBACK, sink: 'headset' }])
    ringing.value = false
    await nextTick()
    expect(stops[0]).toHaveBeenCalledOnce()
    expect(state.value).toBe('off')
  })

  it('early media replaces the local tone at once', async () => {
    const { earlyMedia, state } = setup(true)
    expect(started).toHaveLength(1)
    earlyMedia.value = true
    await nextTick()
    expect(state.value).toBe('early-media')
    expect(stops[0]).toHaveBeenCalledOnce()
    expect(started).toHaveLength(1)
  })

  it('never starts when the PBX sends early media from the first provisional', () => {
    const { state } = setup(true, true)
    expect(state.value).toBe('early-media')
    expect(started).toEqual([])
  })

  it('stops when the call screen goes away', () => {
    const { scope } = setup(true)
    scope.stop()
    expect(stops[0]).toHaveBeenCalledOnce()
  })
})

class FakeAudioContext {
  static made: FakeAudioContext[] = []
  currentTime = 0
  destination = {}
  closed = false
  sinkId = ''
  readonly frequencies: number[] = []
  readonly gainEvents: Array<[number, number]> = []
  constructor() {
    FakeAudioContext.made.push(this)
  }

  /** Whether a gain node still feeds the destination (cut = silent). */
  audible = false
  createGain() {
    return {
      gain: {
        value: 0,
        setValueAtTime: (v: number, t: number) => this.gainEvents.push([v, t]),
        linearRampToValueAtTime: (v: number, t: number) => this.gainEvents.push([v, t]),
      },
      connect: () => {
        this.audible = true
      },
      disconnect: () => {
        this.audible = false
      },
    }
  }

  createOscillator() {
    const osc = { frequency: { value: 0 }, connect: () => {}, start: () => this.frequencies.push(osc.frequency.value), stop: () => {} }
    return osc
  }

  state: AudioContextState = 'running'
  resume = async () => {
    this.state = 'running'
  }

  suspend = async () => {
    this.state = 'suspended'
  }

  close = async () => {
    this.closed = true
    this.state = 'closed'
  }

  setSinkId = async (id: string) => {
    this.sinkId = id
  }
}

describe('tones with WebAudio', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    FakeAudioContext.made = []
  })

  it('the cadence plays both frequencies on the chosen output, on/off as the pattern says, and closes on stop', async () => {
    vi.stubGlobal('AudioContext', FakeAudioContext)
    const real = await vi.importActual<typeof import('@/audio/tones')>('@/audio/tones')
    const stop = real.startCadence(UK_RINGBACK, 'headset')!
    const ctx = FakeAudioContext.made[0]!
    expect(ctx.frequencies).toEqual([400, 450])
    expect(ctx.sinkId).toBe('headset')
    // 0.4 on, 0.2 off, 0.4 on, 2.0 off, from t = 0.05
    expect(ctx.gainEvents.slice(0, 4).map(([v, t]) => [v > 0, Math.round(t * 100) / 100])).toEqual([[true, 0.05], [false, 0.45], [true, 0.65], [false, 1.05]])
    vi.useFakeTimers()
    try {
      stop()
      // Silent at once; the context (its output device) is released after this task, which may
      // be the one telling HubSpot CALL_ANSWERED.
      expect(ctx.audible).toBe(false)
      expect(ctx.closed).toBe(false)
      vi.advanceTimersByTime(0)
      expect(ctx.closed).toBe(true)
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('the inbound ringtone rings on the ringer device while ringing, is cut by the answer and closed after its task', async () => {
    vi.useFakeTimers()
    try {
      vi.stubGlobal('AudioContext', FakeAudioContext)
      const { useRingtone } = await import('@/composables/useRingtone')
      const ringing = ref(true)
      const scope = effectScope()
      const { playing } = scope.run(() => useRingtone(ringing, () => 'speaker'))!
      const ctx = FakeAudioContext.made[0]!
      expect(playing.value).toBe(true)
      expect(ctx.frequencies).toEqual([440, 480])
      expect(ctx.sinkId).toBe('speaker')
      expect(ctx.audible).toBe(true)
      ringing.value = false
      await nextTick()
      expect(playing.value).toBe(false)
      expect(ctx.audible).toBe(false)
      expect(ctx.closed).toBe(false)
      vi.advanceTimersByTime(0)
      expect(ctx.closed).toBe(true)
      scope.stop()
      expect(FakeAudioContext.made).toHaveLength(1)
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('a key tone is the key\'s DTMF pair, short, on one reused context', () => {
    vi.stubGlobal('AudioContext', FakeAudioContext)
    const player = createKeyTonePlayer(() => 'headset')
    player.play('1')
    player.play('#')
    expect(FakeAudioContext.made).toHaveLength(1)
    expect(FakeAudioContext.made[0]!.frequencies).toEqual([697, 1209, 941, 1477])
    expect(FakeAudioContext.made[0]!.sinkId).toBe('headset')
    player.dispose()
    expect(FakeAudioContext.made[0]!.closed).toBe(true)
  })

  it('the key tones\' context is suspended once the keys stop, and the next key resumes it', () => {
    vi.useFakeTimers()
    try {
      vi.stubGlobal('AudioContext', FakeAudioContext)
      const player = createKeyTonePlayer()
      const idleAfter = 120 + KEY_TONE_IDLE_MS
      player.play('1')
      const ctx = FakeAudioContext.made[0]!
      vi.advanceTimersByTime(idleAfter - 100)
      player.play('2') // a burst of keys keeps it running
      vi.advanceTimersByTime(idleAfter - 1)
      expect(ctx.state).toBe('running')
      vi.advanceTimersByTime(1)
      expect(ctx.state).toBe('suspended')
      player.play('3')
      expect(ctx.state).toBe('running')
      expect(FakeAudioContext.made).toHaveLength(1)
      expect(ctx.frequencies).toEqual([697, 1209, 697, 1336, 697, 1477])
      player.dispose()
      vi.advanceTimersByTime(idleAfter)
      expect(ctx.state).toBe('closed')
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('without WebAudio (tests, old browsers)', () => {
  it('the key tone and the cadence are silent no-ops', async () => {
    vi.stubGlobal('AudioContext', undefined)
    const player = createKeyTonePlayer()
    expect(() => player.play('5')).not.toThrow()
    player.dispose()
    const real = await vi.importActual<typeof import('@/audio/tones')>('@/audio/tones')
    expect(real.startCadence(UK_RINGBACK)).toBeNull()
    vi.unstubAllGlobals()
  })
})
