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
import { closeSoon, newContext, oscillators } from '@/audio/tones'

const ON_SECONDS = 2
const PERIOD_SECONDS = 6
const VOLUME = 0.12

export function useRingtone(ringing: Ref<boolean>, sinkId: () => string | undefined = () => undefined) {
  /** True while the tone is scheduled (the context may still be suspended by the autoplay policy). */
  const playing = ref(false)
  let context: { ctx: AudioContext, gain: GainNode } | null = null
  let timer: ReturnType<typeof setInterval> | undefined

  function burst(ctx: AudioContext, gain: GainNode): void {
    const start = ctx.currentTime + 0.05
    gain.gain.setValueAtTime(0, start)
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.02)
    gain.gain.setValueAtTime(VOLUME, start + ON_SECONDS - 0.02)
    gain.gain.linearRampToValueAtTime(0, start + ON_SECONDS)
  }

  function start(): void {
    if (context)
      return
    const ctx = newContext(sinkId())
    if (!ctx)
      return
    try {
      const gain = ctx.createGain()
      gain.gain.value = 0
      gain.connect(ctx.destination)
      oscillators(ctx, [440, 480], gain)
      context = { ctx, gain }
      burst(ctx, gain)
      timer = setInterval(() => burst(ctx, gain), PERIOD_SECONDS * 1000)
      playing.value = true
    }
    catch {
      if (context)
        stop()
      else
        ctx.close().catch(() => {})
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
