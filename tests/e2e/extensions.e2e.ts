/**
 * A number with an extension, as a CRM record holds it, dialed through the real Asterisk: the
 * main number is called (607, the DTMF collector), and once it answers the extension goes out
 * as RFC 4733 telephone-events after the pause; Asterisk's collector logs what it received.
 * HubSpot's `toNumber` stays the main number and the call is filed on the dialed record.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { dtmfCollectedSince, invitesSince, logMarker, waitForLog } from '../../pbx/control'
import type { Simulator } from './browser'
import { saveCall, signedInForTests } from './browser'

const AGENT = '1002'

let sim: Simulator
const signedIn = signedInForTests(AGENT)
beforeAll(() => {
  sim = signedIn()
})

describe('numbers with extensions', () => {
  it('+44 20 7946 0607 ext. 1234#: dials the main number, keys 1234# in after the answer; HubSpot sees the main number and the record', async () => {
    const mark = await logMarker()
    await sim.dial('+44 20 7946 0607 ext. 1234#')

    const started = await sim.waitForMessage('OUTGOING_CALL_STARTED')
    expect(started.data).toMatchObject({ toNumber: '+442079460607' })
    // (Before the answer the call screen reads "Extension 1234#: keyed in once answered": too brief to
    // catch against an answering machine that picks up at once; the component test checks it.)
    await sim.waitForMessage('CALL_ANSWERED')
    await sim.widget.getByTestId('call-extension').getByText('Extension 1234# keyed in', { exact: true }).waitFor({ timeout: 10_000 })

    await waitForLog(mark, /DTMF-COLLECTED: /, 15_000)
    expect(await dtmfCollectedSince(mark)).toEqual(['1234'])
    const invites = (await invitesSince(mark)).filter(i => !i.inDialog)
    expect(invites.length).toBeGreaterThan(0)
    expect(invites.every(i => i.user === '+442079460607')).toBe(true)

    // 607 hangs up itself after the '#'.
    expect((await sim.waitForMessage('CALL_ENDED')).data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall(sim)
    const dialed = (await sim.log()).filter(e => e.dir === 'out' && e.type === 'DIAL_NUMBER').at(-1)?.data as { calleeInfo: { calleeId: number } }
    const completed = (await sim.waitForMessage('CALL_COMPLETED')).data as { engagementProperties: Record<string, unknown> }
    expect(completed.engagementProperties).toMatchObject({
      hs_call_to_number: '+442079460607',
      hs_call_callee_object_id: String(dialed.calleeInfo.calleeId),
      hs_call_callee_object_type: 'CONTACT',
    })
  })
})
