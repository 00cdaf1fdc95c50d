/**
 * In-call controls: hold and resume, the DTMF keypad, blind and attended
 * transfer, ringback (early media or a local tone) and the live call quality.
 * Only while the call is connected (answered); everything here is reset when
 * the call ends, and the quality summary goes with the call into the wrap-up.
 */
import { computed, ref, watch } from 'vue'
import { isDtmfKey } from '@/domain/dtmf'
import { describeEndCause } from '@/domain/endStatus'
import { normalizeDialString } from '@/domain/phoneNumber'
import type { QualitySample, SamplingState, StatsSnapshot, WarningState } from '@/domain/quality'
import { FRESH_SAMPLING, NO_WARNING, nextSample, nextWarningState, summarize } from '@/domain/quality'
import type { CallContext } from './context'
import { t } from '@/i18n'
import { reason } from './context'
import type { TransferState } from './types'

/** How often the call's statistics are sampled for the quality indicator. */
export const QUALITY_SAMPLE_MS = 2000

export function useInCall(ctx: CallContext) {
  const { sip, config } = ctx.ports
  const { phase, call, active } = ctx
  const held = ref(false)
  /** A hold/resume re-INVITE is on its way: the button waits for the PBX. */
  const holdPending = ref(false)
  const keypadOpen = ref(false)
  /** The DTMF keys pressed in this call, shown above the keypad. */
  const dtmfSent = ref('')
  const transfer = ref<TransferState>({ stage: 'idle', target: '', display: '' })
  /** The PBX sent early media (183 with SDP): its audio is the ringback; no local tone. */
  const earlyMedia = ref(false)
  /** The latest quality sample, and whether the agent is being warned about it. */
  const quality = ref<QualitySample | null>(null)
  const qualityWarning = ref(false)
  let qualitySamples: QualitySample[] = []
  let sampling: SamplingState = FRESH_SAMPLING
  /** Held, muted or a hold/resume under way at some moment since the last snapshot. */
  let interruptedSinceSnapshot = false
  let warningState: WarningState = NO_WARNING
  let qualityTimer: ReturnType<typeof setInterval> | undefined
  /** cancelTransfer() asked to go back to the caller: resume once the consultation has ended. */
  let resumeAfterConsultation = false

  const connected = (): boolean => phase.value === 'connected'
  const consulting = computed(() => ['calling', 'ringing', 'talking', 'completing'].includes(transfer.value.stage))

  /** A failed action's notice: `key` is its catalogue message, `{why}` the error's words. */
  function failed(key: 'notice.notHeld' | 'notice.notResumed' | 'notice.keyNotSent' | 'notice.notTransferred' | 'notice.transferNotCompleted' | 'notice.transferNotEnded' | 'notice.notCalled', error: unknown, params: Record<string, string> = {}): void {
    ctx.notify('error', t(key, { ...params, why: reason(error) }))
  }

  async function setHeld(value: boolean): Promise<void> {
    if (!connected() || holdPending.value || held.value === value)
      return
    holdPending.value = true
    try {
      await sip.hold(value)
      if (connected())
        held.value = value
    }
    catch (error) {
      if (connected())
        failed(value ? 'notice.notHeld' : 'notice.notResumed', error)
    }
    finally {
      holdPending.value = false
    }
  }

  /** Hold or resume (not while a transfer call is up: the caller stays held until it is done). */
  async function toggleHold(): Promise<void> {
    if (consulting.value)
      return
    await setHeld(!held.value)
  }

  function toggleKeypad(): void {
    if (connected())
      keypadOpen.value = !keypadOpen.value
  }

  /** Send one DTMF key (0-9, *, #, A-D) on the answered call. */
  async function pressKey(key: string): Promise<void> {
    if (!connected() || !isDtmfKey(key))
      return
    dtmfSent.value = (dtmfSent.value + key).slice(-32)
    try {
      await sip.sendDtmf(key)
    }
    catch (error) {
      if (connected())
        failed('notice.keyNotSent', error, { key })
    }
  }

  function transferTarget(raw: unknown): { target: string, display: string } | null {
    const parsed = normalizeDialString(raw, { defaultRegion: config.defaultCountry })
    if (!parsed.ok) {
      ctx.notify('error', parsed.message)
      return null
    }
    return { target: parsed.target, display: parsed.display }
  }

  /** Blind transfer: the caller goes straight to `raw`; the call ends for the agent (COMPLETED + callTransferred). */
  async function blindTransfer(raw: unknown): Promise<boolean> {
    if (!connected() || transfer.value.stage !== 'idle')
      return false
    const target = transferTarget(raw)
    if (!target)
      return false
    transfer.value = { stage: 'blind', ...target }
    try {
      await sip.transfer(target.target)
      return true
    }
    catch (error) {
      if (connected()) {
        transfer.value = { stage: 'idle', target: '', display: '' }
        failed('notice.notTransferred', error, { who: target.display })
      }
      return false
    }
  }

  /** Attended transfer, step 1: hold the caller and call `raw` to talk first. */
  async function startAttendedTransfer(raw: unknown): Promise<boolean> {
    if (!connected() || transfer.value.stage !== 'idle')
      return false
    const target = transferTarget(raw)
    if (!target)
      return false
    transfer.value = { stage: 'calling', ...target }
    resumeAfterConsultation = false
    try {
      await sip.startConsultation(target.target)
      if (connected())
        held.value = true
      return true
    }
    catch (error) {
      if (connected()) {
        transfer.value = { stage: 'idle', target: '', display: '' }
        failed('notice.notCalled', error, { who: target.display })
      }
      return false
    }
  }

  /** Attended transfer, step 2: join the caller to the target; the call ends for the agent. */
  async function completeTransfer(): Promise<void> {
    if (!connected() || transfer.value.stage !== 'talking')
      return
    transfer.value = { ...transfer.value, stage: 'completing' }
    try {
      await sip.completeTransfer()
    }
    catch (error) {
      if (connected()) {
        if (transfer.value.stage === 'completing')
          transfer.value = { ...transfer.value, stage: 'talking' }
        failed('notice.transferNotCompleted', error)
      }
    }
  }

  /** Attended transfer, go back: hang up on the target and resume the caller. */
  async function cancelTransfer(): Promise<void> {
    if (!consulting.value)
      return
    resumeAfterConsultation = true
    try {
      await sip.cancelConsultation()
    }
    catch (error) {
      failed('notice.transferNotEnded', error)
    }
  }

  // Held or resumed from another of the agent's frames: shown here too.
  sip.on('held', ({ held: value }) => {
    if (connected() && !holdPending.value)
      held.value = value
  })
  sip.on('consultation', ({ state, cause }) => {
    if (!connected() || transfer.value.stage === 'idle' || transfer.value.stage === 'blind')
      return
    switch (state) {
      case 'calling':
        break
      case 'ringing':
        if (transfer.value.stage === 'calling')
          transfer.value = { ...transfer.value, stage: 'ringing' }
        break
      case 'answered':
        transfer.value = { ...transfer.value, stage: 'talking' }
        break
      case 'ended': {
        if (cause?.type === 'transferred')
          return // callEnded follows
        const who = transfer.value.display
        transfer.value = { stage: 'idle', target: '', display: '' }
        if (resumeAfterConsultation) {
          resumeAfterConsultation = false
          void setHeld(false)
        }
        else {
          const why = cause ? describeEndCause(cause) : ''
          ctx.notify('info', why ? t('notice.transferEndedWhy', { who, why: why.replace(/\.$/, '') }) : t('notice.transferEnded', { who }))
        }
        break
      }
    }
  })

  sip.on('callProgress', ({ callId, earlyMedia: early }) => {
    const current = call.value
    if (early && active.value && (current?.callId === null || current?.callId === callId))
      earlyMedia.value = true
  })

  const interruptedNow = (): boolean => held.value || holdPending.value || ctx.muted.value || consulting.value
  // Silence we made (hold, mute, a transfer being set up) is not packet loss: the interval it
  // touches is left out of the call's quality (see nextSample).
  watch(interruptedNow, (now) => {
    if (now)
      interruptedSinceSnapshot = true
  }, { flush: 'sync' })

  async function sampleQuality(): Promise<void> {
    let snapshot: StatsSnapshot | null
    try {
      snapshot = await sip.sampleStats()
    }
    catch {
      return
    }
    if (!snapshot || !connected())
      return
    const interrupted = interruptedSinceSnapshot || interruptedNow()
    interruptedSinceSnapshot = false
    const next = nextSample(sampling, snapshot, interrupted)
    sampling = next.state
    const sample = next.sample
    if (!sample)
      return
    quality.value = sample
    qualitySamples.push(sample)
    const wasWarning = warningState.warning
    warningState = nextWarningState(warningState, sample.level)
    qualityWarning.value = warningState.warning
    if (warningState.warning && !wasWarning)
      ctx.notify('error', t('quality.poorNotice'))
  }

  function resetInCall(): void {
    clearInterval(qualityTimer)
    qualityTimer = undefined
    held.value = false
    holdPending.value = false
    keypadOpen.value = false
    dtmfSent.value = ''
    transfer.value = { stage: 'idle', target: '', display: '' }
    quality.value = null
    qualityWarning.value = false
    qualitySamples = []
    sampling = FRESH_SAMPLING
    interruptedSinceSnapshot = false
    warningState = NO_WARNING
    resumeAfterConsultation = false
  }

  watch(phase, (next, previous) => {
    if (next === 'calling' || next === 'incoming')
      earlyMedia.value = false
    if (next === 'connected' && previous !== 'connected') {
      resetInCall()
      qualityTimer = setInterval(() => void sampleQuality(), QUALITY_SAMPLE_MS)
    }
    else if (next !== 'connected' && previous === 'connected') {
      // The call's quality summary goes with it into the wrap-up (and its draft).
      if (call.value && qualitySamples.length > 0)
        call.value.quality = summarize(qualitySamples)
      resetInCall()
    }
  }, { flush: 'sync' })

  return {
    held, holdPending, keypadOpen, dtmfSent, transfer, consulting, earlyMedia, quality, qualityWarning,
    toggleHold, toggleKeypad, pressKey, blindTransfer, startAttendedTransfer, completeTransfer, cancelTransfer,
  }
}
