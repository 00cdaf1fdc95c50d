/**
 * The ringtone of an inbound call, generated locally with WebAudio (no audio file to
 * ship or load): the classic 440 + 480 Hz ring, 2 s on, 4 s off, while `ringing` is true.
 *
 * `sinkId` is the output device to ring on (the "ringer" device, e.g. the laptop speaker
 * while the headset is on the desk); '' or undefined = the default output. It needs
 * `AudioContext.setSinkId` (Chromium 110+); elsewhere the default output rings.
 * Without WebAudio (tests, very old browsers) this is a silent no-op.
 */
import type { Ref } from 'vue'
import { onScopeDispose, ref, watch } from 'vue'
import { closeSoon } from '@/audio/tones'

const ON_SECONDS = 2
const PERIOD_SECONDS = 6
const VOLUME = 0.12

interface SinkableAudioContext extends AudioContext {
  setSinkId?: (sinkId: string) => Promise<void>
}

export function useRingtone(ringing: Ref<boolean>, sinkId: () => string | undefined = () => undefined) {
  /** True while the tone is scheduled (the context may still be suspended by the autoplay policy). */
  const playing = ref(false)
  let context: { ctx: SinkableAudioContext, gain: GainNode } | null = null
  let timer: ReturnType<typeof setInterval> | undefined

  function burst(ctx: AudioContext, gain: GainNode): void {
    const start = ctx.currentTime + 0.05
    gain.gain.setValueAtTime(0, start)
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.02)
    gain.gain.setValueAtTime(VOLUME, start + ON_SECONDS - 0.02)
    gain.gain.linearRampToValueAtTime(0, start + ON_SECONDS)
  }

  function start(): void {
    const Ctx = typeof window === 'undefined' ? undefined : window.AudioContext
    if (!Ctx || context)
      return
    let ctx: SinkableAudioContext | undefined
    try {
      ctx = new Ctx()
      const gain = ctx.createGain()
      gain.gain.value = 0
      gain.connect(ctx.destination)
      for (const frequency of [440, 480]) {
        const oscillator = ctx.createOscillator()
        oscillator.frequency.value = frequency
        oscillator.connect(gain)
        oscillator.start()
      }
      const sink = sinkId()
      if (sink && ctx.setSinkId)
        ctx.setSinkId(sink).catch(() => { /* the device is gone: ring on the default output */ })
      ctx.resume().catch(() => { /* autoplay refused until the agent interacts */ })
      context = { ctx, gain }
      burst(ctx, gain)
      const made = ctx
      timer = setInterval(() => burst(made, gain), PERIOD_SECONDS * 1000)
      playing.value = true
    }
    catch {
      if (context)
        stop()
      else
        ctx?.close().catch(() => {})
    }
  }

  function stop(): void {
    clearInterval(timer)
    timer = undefined
    const ending = context
    context = null
    playing.value = false
    // The agent's Answer click stops the ring: cut at once, the context closed after the click's task.
    if (ending)
      closeSoon(ending.ctx, ending.gain)
  }

  watch(ringing, value => (value ? start() : stop()), { immediate: true })
  onScopeDispose(stop)
  return { playing }
}
