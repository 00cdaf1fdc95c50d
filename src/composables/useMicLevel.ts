/**
 * The microphone check: opens the chosen microphone and measures its level (0–1, from the
 * RMS in dBFS: −60 dB → 0, 0 dB → 1) ten times a second until stopped. Everything it opened
 * is closed on stop() and when the component goes away.
 */
import { onScopeDispose, ref } from 'vue'
import { t } from '@/i18n'

/** Why the microphone did not open, in the agent's words (kept here: src/sip would pull in sip.js). */
function describeMicError(error: unknown): string {
  const name = error instanceof Error ? error.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return t('devices.denied')
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return t('devices.notFound')
  if (name === 'NotReadableError' || name === 'AbortError')
    return t('devices.busy')
  return t('devices.notOpened', { why: error instanceof Error ? error.message : String(error) })
}

export function useMicLevel(deviceId: () => string, onOpened: () => void = () => {}) {
  const level = ref(0)
  const active = ref(false)
  const error = ref<string | null>(null)
  let stream: MediaStream | null = null
  let context: AudioContext | null = null
  let timer: ReturnType<typeof setInterval> | undefined
  /** Bumped by every start() and stop(): a microphone that opens after either is closed at once. */
  let generation = 0

  function stop(): void {
    generation++
    clearInterval(timer)
    timer = undefined
    stream?.getTracks().forEach(track => track.stop())
    stream = null
    void context?.close().catch(() => {})
    context = null
    active.value = false
    level.value = 0
  }

  async function start(): Promise<void> {
    stop()
    error.value = null
    const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices
    if (!devices?.getUserMedia || typeof window === 'undefined' || !window.AudioContext) {
      error.value = t('devices.unsupported')
      return
    }
    const id = deviceId()
    const mine = generation
    let opened: MediaStream
    try {
      opened = await devices.getUserMedia({ audio: id ? { deviceId: { exact: id } } : true, video: false })
    }
    catch (e) {
      if (mine === generation)
        error.value = describeMicError(e)
      return
    }
    if (mine !== generation) {
      // Stopped (or started again, or the component went away) while the browser asked for permission.
      opened.getTracks().forEach(track => track.stop())
      return
    }
    stream = opened
    onOpened()
    try {
      context = new window.AudioContext()
      const analyser = context.createAnalyser()
      analyser.fftSize = 1024
      context.createMediaStreamSource(stream).connect(analyser)
      const samples = new Float32Array(analyser.fftSize)
      active.value = true
      timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples)
        let sum = 0
        for (const s of samples)
          sum += s * s
        const rms = Math.sqrt(sum / samples.length)
        const db = rms > 0 ? 20 * Math.log10(rms) : -100
        level.value = Math.min(1, Math.max(0, (db + 60) / 60))
      }, 100)
      void context.resume().catch(() => {})
    }
    catch {
      stop()
      error.value = t('devices.notMeasured')
    }
  }

  onScopeDispose(stop)
  return { level, active, error, start, stop }
}
