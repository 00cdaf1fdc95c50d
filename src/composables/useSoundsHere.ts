/**
 * Whether this frame plays the call's sounds (ringtone, ringback): only the frame that holds the
 * agent's phone does (src/frames/), so three open HubSpot frames do not ring three times.
 */
import type { Ref } from 'vue'
import { onScopeDispose, ref } from 'vue'
import { usePorts } from '@/ports'

export function useSoundsHere(): Ref<boolean> {
  const { frame } = usePorts()
  const here = ref(frame ? frame.ownsPhone() : true)
  if (frame)
    onScopeDispose(frame.onOwnerChange((owns) => {
      here.value = owns
    }))
  return here
}
