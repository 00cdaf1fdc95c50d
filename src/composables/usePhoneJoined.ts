/**
 * Whether this frame knows the agent's phone yet (src/frames/: the frame that holds the phone
 * answered, or this frame took it). A HubSpot tab opened while the agent is signed in learns it
 * within milliseconds; until then it must not show the sign-in form of a signed-out agent (every
 * HubSpot page the agent opens would flash it).
 */
import type { Ref } from 'vue'
import { onScopeDispose, ref } from 'vue'
import { usePorts } from '@/ports'

export function usePhoneJoined(): Ref<boolean> {
  const { frame } = usePorts()
  const joined = ref(frame?.joined ? frame.joined() : true)
  if (!joined.value && frame?.onJoined)
    onScopeDispose(frame.onJoined(() => {
      joined.value = true
    }))
  return joined
}
