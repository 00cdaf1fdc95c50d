import { useAgentStore } from '@/stores/agent'
import type { Harness } from '../fakes'
import { createHarness } from '../fakes'

/**
 * A harness with the agent signed in as `extension`, and what the sign-in sent to HubSpot and
 * asked of the phone cleared: a test reads only what its own steps caused.
 */
export async function signedInHarness(extension = '1001', options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  const h = createHarness(options)
  await useAgentStore().signIn({ extension, password: 'pw', displayName: '' })
  h.hubspot.sent.length = 0
  h.sip.actions.length = 0
  return h
}
