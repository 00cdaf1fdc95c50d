/**
 * The extension of a number dialed with one (`+1 415 555 0123 ext. 45`): once the far end
 * answers, its keys go out as DTMF, each `,` a pause of `POST_DIAL_PAUSE_MS` first (as phone
 * dialers do), so an auto-attendant hears them after its greeting starts. Shown on the call
 * screen while it is sent; stopped when the call ends.
 */
import { ref, watch } from 'vue'
import { POST_DIAL_PAUSE_MS } from '@/domain/phoneNumber'
import type { CallContext } from './context'
import { t } from '@/i18n'
import { reason } from './context'

export interface PostDialState {
  /** The extension's keys, e.g. `45`. */
  digits: string
  /** The keys sent so far. */
  sent: string
  /** 'waiting': in a pause; 'sending'; 'sent': all keys out; 'failed': the PBX refused them. */
  state: 'waiting' | 'sending' | 'sent' | 'failed'
}

export function usePostDial(ctx: CallContext) {
  const { sip } = ctx.ports
  const { phase, call } = ctx
  const postDial = ref<PostDialState | null>(null)
  /** Bumped when the call ends: a run still pausing or sending for it stops. */
  let run = 0
  let pause: { timer: ReturnType<typeof setTimeout>, resolve: () => void } | undefined

  function stop(): void {
    run++
    if (pause) {
      clearTimeout(pause.timer)
      pause.resolve()
      pause = undefined
    }
  }

  async function send(sequence: string, digits: string): Promise<void> {
    const mine = ++run
    postDial.value = { digits, sent: '', state: 'waiting' }
    // `,45,,2#` → pause, "45", pause, pause, "2#".
    for (const part of sequence.match(/,|[^,]+/g) ?? []) {
      if (part === ',') {
        postDial.value = { ...postDial.value, state: 'waiting' }
        await new Promise<void>((resolve) => {
          pause = { timer: setTimeout(resolve, POST_DIAL_PAUSE_MS), resolve }
        })
        pause = undefined
        if (mine !== run)
          return
        continue
      }
      postDial.value = { ...postDial.value, state: 'sending' }
      try {
        await sip.sendDtmf(part)
      }
      catch (error) {
        if (mine !== run)
          return
        postDial.value = { ...postDial.value, state: 'failed' }
        ctx.notify('error', t('notice.extensionNotSent', { digits, why: reason(error) }))
        return
      }
      if (mine !== run)
        return
      postDial.value = { ...postDial.value, sent: postDial.value.sent + part }
    }
    postDial.value = { ...postDial.value, state: 'sent' }
  }

  watch(phase, (next, previous) => {
    const extension = call.value?.extension
    if (next === 'connected' && previous !== 'connected' && call.value?.direction === 'OUTBOUND' && extension)
      void send(extension.sequence, extension.digits)
    else if (next !== 'connected') {
      stop()
      if (next === 'idle')
        postDial.value = null
    }
  }, { flush: 'sync' })

  return { postDial }
}
