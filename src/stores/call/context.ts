/**
 * What the parts of the call store share. The store (`src/stores/call.ts`)
 * builds this once and hands it to each part (wrap-up, inbound, in-call), so
 * every part reads and moves the same call without reaching into the others.
 */
import type { ComputedRef, Ref } from 'vue'
import type { CallEvent, CallPhase } from '@/domain/callMachine'
import type { Ports } from '@/ports'
import type { useAgentStore } from '@/stores/agent'
import type { CallRecord, Notice, WrapUp } from './types'

export interface CallContext {
  ports: Ports
  agent: ReturnType<typeof useAgentStore>
  phase: Ref<CallPhase>
  call: Ref<CallRecord | null>
  wrapUp: Ref<WrapUp>
  muted: Ref<boolean>
  active: ComputedRef<boolean>
  inWrapUp: ComputedRef<boolean>
  /** Moves the phase machine; false (and no change) when the event is not allowed now. */
  go: (event: CallEvent) => boolean
  notify: (kind: Notice['kind'], text: string) => void
  /**
   * Moves an answered call to `connected` now if that is still due (it follows HubSpot's
   * CALL_ANSWERED one task later): for an event of that call that may come first.
   */
  settleAnswer: () => void
}

/** A readable sentence from anything thrown. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
