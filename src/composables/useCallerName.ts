import type { ComputedRef } from 'vue'
import { computed } from 'vue'
import { callerIdMatchName } from '@/hubspot/parse'
import { useCallStore } from '@/stores/call'

/**
 * Who the agent is talking to, as the screens head it: for an inbound call the HubSpot record
 * the agent picked (or the only match), else the caller's SIP display name, else the number;
 * for an outbound call what was dialed. `number` is the formatted number, shown under a name.
 * The same title from ringing to answered, so the caller's name does not turn into a number.
 */
export function useCallerName(): { title: ComputedRef<string>, number: ComputedRef<string> } {
  const call = useCallStore()
  const number = computed(() => call.call?.display ?? '')
  const title = computed(() => {
    if (call.call?.direction !== 'INBOUND')
      return number.value
    const match = call.caller?.chosen
    if (match)
      return callerIdMatchName(match)
    return call.caller?.displayName || number.value
  })
  return { title, number }
}
