/**
 * The ringback the agent hears while an outbound call rings: the PBX's own audio when it
 * sent early media (183 with SDP, played by the remote audio element), otherwise a tone made
 * here in the cadence of the agent's country. It stops on answer, failure or hang-up.
 * `state` says which one is audible: 'early-media' | 'local' | 'off'.
 */
import type { Ref } from 'vue'
import { computed, onScopeDispose, watch } from 'vue'
import type { Cadence } from '@/audio/tones'
import { startCadence } from '@/audio/tones'

export type RingbackState = 'early-media' | 'local' | 'off'

export function useRingback(options: {
  ringing: Ref<boolean>
  earlyMedia: Ref<boolean>
  cadence: () => Cadence
  sinkId?: () => string | undefined
}) {
  const state = computed<RingbackState>(() => !options.ringing.value ? 'off' : options.earlyMedia.value ? 'early-media' : 'local')
  let stop: (() => void) | null = null

  function halt(): void {
    stop?.()
    stop = null
  }

  watch(state, (next) => {
    if (next === 'local') {
      if (!stop)
        stop = startCadence(options.cadence(), options.sinkId?.())
    }
    else {
      halt()
    }
  }, { immediate: true })
  onScopeDispose(halt)
  return { state }
}
