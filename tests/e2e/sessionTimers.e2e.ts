/**
 * Session timers (RFC 4028) against the real Asterisk: agent 1002 has `timers = always`, `timers_sess_expires = 90`
 * (pbx/asterisk/pjsip.conf), the shortest Asterisk allows. sip.js neither supports `timer` nor
 * lists UPDATE in its Allow, so Asterisk must refresh the session itself, by re-INVITE, half-way
 * (45 s). The call must survive the refresh; this test records which method Asterisk used
 * (the evidence for src/sip/sessionUpdate.ts) and that the agent answered it 200.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { logMarker, logSince, TEST_NUMBERS, waitForLog } from '../../pbx/control'
import type { Simulator } from './browser'
import { saveCall, signedInForTests } from './browser'

const AGENT = '1002'

let sim: Simulator
const signedIn = signedInForTests(AGENT)
beforeAll(() => {
  sim = signedIn()
})

describe('session timers', () => {
  it('Asterisk refreshes the answered call with a re-INVITE after 45 s; the agent answers 200 and the call goes on', async () => {
    const mark = await logMarker()
    await sim.dial(TEST_NUMBERS.echo.e164)
    await sim.waitForMessage('CALL_ANSWERED')
    const invite = await waitForLog(mark, /<--- Received SIP request \(\d+ bytes\)[^\n]*--->\r?\nINVITE sip:\+442079460600@[\s\S]*?\r?\nCall-ID: ([^\r\n]+)/)
    const callId = invite[1] ?? ''

    // The refresh: a request Asterisk sends in the call's dialog with Session-Expires.
    const refresh = await waitForLog(mark, new RegExp(`<--- Transmitting SIP request \\(\\d+ bytes\\)[^\\n]*--->\\r?\\n(INVITE|UPDATE) sip:[^\\n]*\\n(?:[^\\n]+\\n)*?Call-ID: ${callId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 60_000)
    expect(refresh[1]).toBe('INVITE')
    const log = await logSince(mark)
    const after = log.slice(log.indexOf(refresh[0]))
    // Asterisk received our 200 OK to it (not 405/488), and no BYE ended the call.
    await expect.poll(async () => /<--- Received SIP response[^\n]*--->\r?\nSIP\/2\.0 200 OK[\s\S]*?CSeq: \d+ INVITE/.test((await logSince(mark)).slice(log.indexOf(refresh[0]))), { timeout: 10_000 }).toBe(true)
    expect(after).not.toMatch(/\nBYE sip:/)
    await sim.widget.getByTestId('call-state').getByText('Connected', { exact: true }).waitFor()

    await sim.widget.getByRole('button', { name: 'Hang up', exact: true }).click()
    expect((await sim.waitForMessage('CALL_ENDED')).data).toMatchObject({ callEndStatus: 'COMPLETED' })
    await saveCall(sim)
  }, 120_000)
})
