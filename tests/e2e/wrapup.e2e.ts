/**
 * The wrap-up under HubSpot's real failure modes and in a browser that denies HubSpot's iframe its
 * storage, against the real Asterisk and the real SDK on both sides. HubSpot must never lock the
 * agent out of calling, and nothing typed may be lost where the browser lets anything be kept.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { HostLogEntry, Simulator } from './browser'
import { backOnDialer, launchBrowser, launchNoStorageContext, openSimulator, saveCall, signedInForTests, signIn } from './browser'

const AGENT = '1001'
const BUSY = '602'
/** HubSpot's default outcome ids. */
const BUSY_OUTCOME = '9d9162e7-6cf3-4944-bf63-4dff82258764'
const NO_ANSWER_OUTCOME = '73a0d17f-1163-4015-bdd5-ec830791da20'

const count = async (sim: Simulator, type: string, dir: 'in' | 'out' = 'in'): Promise<number> =>
  (await sim.log()).filter(e => e.dir === dir && e.type === type).length

/** Dials the busy number from HubSpot and waits for the wrap-up. */
async function busyCall(sim: Simulator): Promise<HostLogEntry> {
  const ended = await count(sim, 'CALL_ENDED')
  await sim.dial(BUSY)
  const end = await sim.waitForMessage('CALL_ENDED', ended + 1)
  await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
  return end
}

const storagePolicy = (sim: Simulator): Promise<string | undefined> =>
  sim.widgetFrame().evaluate(() => document.documentElement.dataset.storage)

describe('in the browser\'s default (storage partitioned per HubSpot site)', () => {
  let sim: Simulator
  const current = signedInForTests(AGENT)
  beforeAll(() => {
    sim = current()
  })

  it('the widget keeps its drafts in localStorage', async () => {
    expect(await storagePolicy(sim)).toBe('local')
  })

  it('HubSpot never created the engagement: the wrap-up says so, copies the notes, closes once asked, and the next call starts', async () => {
    await sim.page.evaluate(() => window.__host.setFailCreate(true))
    const completedBefore = await count(sim, 'CALL_COMPLETED')
    const updateFailedBefore = await count(sim, 'UPDATE_ENGAGEMENT_FAILED', 'out')
    await busyCall(sim)
    const noRecord = sim.widget.getByTestId('no-record')
    await noRecord.waitFor()
    expect(await noRecord.textContent()).toContain('HubSpot has no record of this call: Simulated: HubSpot could not create the engagement. The outcome')
    expect(await sim.widget.getByRole('button', { name: 'Save call', exact: true }).count()).toBe(0)

    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Wants a call back on Friday')
    await sim.widget.getByRole('button', { name: 'Copy notes', exact: true }).click()
    await sim.widget.getByRole('status').filter({ hasText: /^(Notes copied\.|The notes are selected: press Ctrl\+C \(⌘C on a Mac\) to copy them\.)$/ }).waitFor()

    // A dial from HubSpot now is refused with the way out, and nothing is dialed.
    const errorsBefore = await count(sim, 'ERROR')
    const invitesBefore = await count(sim, 'OUTGOING_CALL_STARTED')
    await sim.dial('600')
    const error = await sim.waitForMessage('ERROR', errorsBefore + 1)
    expect(error.data).toMatchObject({ message: 'Close the last call\'s wrap-up before placing another one: HubSpot has no record of it to save.' })
    expect(await count(sim, 'OUTGOING_CALL_STARTED')).toBe(invitesBefore)

    await sim.widget.getByRole('button', { name: 'Close wrap-up', exact: true }).click()
    await sim.widget.getByText('Close without saving? Your notes are not in HubSpot; copy them first if you need them.', { exact: true }).waitFor()
    await sim.widget.getByRole('button', { name: 'Discard notes and close', exact: true }).click()
    await backOnDialer(sim)
    expect(await count(sim, 'CALL_COMPLETED')).toBe(completedBefore)
    expect(await count(sim, 'UPDATE_ENGAGEMENT_FAILED', 'out')).toBe(updateFailedBefore)

    // The next call starts, and a reload brings no wrap-up back.
    await sim.page.evaluate(() => window.__host.setFailCreate(false))
    await busyCall(sim)
    await sim.waitForMessage('OUTGOING_CALL_STARTED', invitesBefore + 1)
    await saveCall(sim)
    await sim.page.evaluate(() => window.__host.reloadWidget())
    await sim.page.waitForFunction(() => window.__host.isReady())
    await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    expect(await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).count()).toBe(0)
    await signIn(sim, AGENT)
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  })

  it('Save before HubSpot created the engagement: "Waiting for HubSpot…", then one callCompleted with HubSpot\'s id', async () => {
    await sim.page.evaluate(() => window.__host.setCreateDelay(2_000))
    const createdBefore = await count(sim, 'CREATE_ENGAGEMENT_SUCCEEDED', 'out')
    const completedBefore = await count(sim, 'CALL_COMPLETED')
    const updateFailedBefore = await count(sim, 'UPDATE_ENGAGEMENT_FAILED', 'out')
    await busyCall(sim)
    expect(await count(sim, 'CREATE_ENGAGEMENT_SUCCEEDED', 'out')).toBe(createdBefore)
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    await sim.widget.getByRole('status').filter({ hasText: /^Waiting for HubSpot to create the call record…$/ }).waitFor()
    const completed = await sim.waitForMessage('CALL_COMPLETED', completedBefore + 1)
    await backOnDialer(sim)
    const log = await sim.log()
    const created = log.filter(e => e.dir === 'out' && e.type === 'CREATE_ENGAGEMENT_SUCCEEDED')[createdBefore]!
    expect(created.at).toBeLessThanOrEqual(completed.at)
    expect(completed.data).toMatchObject({ engagementId: (created.data as { engagementId: number }).engagementId })
    expect(await count(sim, 'CALL_COMPLETED')).toBe(completedBefore + 1)
    expect(await count(sim, 'UPDATE_ENGAGEMENT_FAILED', 'out')).toBe(updateFailedBefore)
    await sim.page.evaluate(() => window.__host.setCreateDelay(0))
  })
})

describe('two HubSpot tabs of one browser profile, one wrap-up', () => {
  let sim: Simulator
  const current = signedInForTests(AGENT)
  beforeAll(() => {
    sim = current()
  })

  it('a second tab shows the same notes as they are typed, closes when the first saved, and sends HubSpot nothing', async () => {
    await busyCall(sim)
    const other = await openSimulator(sim.page.context())
    await other.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Typed in the first tab')
    await expect.poll(() => other.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Typed in the first tab')
    await sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).selectOption(NO_ANSWER_OUTCOME)
    await expect.poll(() => other.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).inputValue()).toBe(NO_ANSWER_OUTCOME)
    await saveCall(sim)
    await other.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ state: 'detached' })
    expect(await count(other, 'CALL_COMPLETED')).toBe(0)
    expect(await count(sim, 'CALL_COMPLETED')).toBe(1)
    // A reload of either tab brings nothing back; the reloaded tab is still the agent's phone (src/frames/).
    await other.page.reload()
    await other.page.waitForFunction(() => window.__host?.isReady())
    await other.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await other.widget.getByRole('heading', { name: 'Call ended', exact: true }).count()).toBe(0)
    await other.page.close()
  })
})

describe('in a browser that denies HubSpot\'s iframe its storage (third-party cookies blocked, partitioning off)', () => {
  let sim: Simulator
  // The widget mounts in this browser: the development build (this e2e's Vite server) included.
  const current = signedInForTests(AGENT, () => launchBrowser({ storage: 'denied' }))
  beforeAll(() => {
    sim = current()
  })

  it('the widget gets no localStorage and keeps its drafts in partitioned cookies', async () => {
    expect(await sim.widgetFrame().evaluate(() => {
      try {
        return String(window.localStorage)
      }
      catch (error) {
        return (error as DOMException).name
      }
    })).toBe('null')
    expect(await storagePolicy(sim)).toBe('cookie')
  })

  it('a reload of the HubSpot tab mid-wrap-up brings back the outcome and the notes, which then reach HubSpot', async () => {
    await busyCall(sim)
    await sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).selectOption(NO_ANSWER_OUTCOME)
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Left a voicemail;\nwill try again = tomorrow, 9am 🙂')
    await sim.page.reload()
    await sim.page.waitForFunction(() => window.__host?.isReady())
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Left a voicemail;\nwill try again = tomorrow, 9am 🙂')
    expect(await sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).inputValue()).toBe(NO_ANSWER_OUTCOME)
    expect(await sim.widget.getByTestId('draft-storage').count()).toBe(0)
    await sim.page.evaluate(() => window.__host.setReplyDelay(0))
    await sim.widget.getByRole('button', { name: 'Save call', exact: true }).click()
    const completed = await sim.waitForMessage('CALL_COMPLETED')
    expect((completed.data as { engagementProperties: Record<string, string> }).engagementProperties).toMatchObject({
      hs_call_body: 'Left a voicemail;<br>will try again = tomorrow, 9am 🙂',
      hs_call_disposition: NO_ANSWER_OUTCOME,
    })
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor({ state: 'detached' })
    // Saved and confirmed: a reload brings nothing back.
    await sim.page.reload()
    await sim.page.waitForFunction(() => window.__host?.isReady())
    await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    expect(await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).count()).toBe(0)
    await signIn(sim, AGENT)
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
  })

  it('notes longer than the browser keeps: the wrap-up says a reload would bring back an earlier version', async () => {
    await busyCall(sim)
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Short first.')
    expect(await sim.widget.getByTestId('draft-storage').count()).toBe(0)
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('x'.repeat(12_000))
    await sim.widget.getByTestId('draft-storage').filter({ hasText: 'These notes are longer than this browser lets the softphone keep across a reload' }).waitFor()
    await saveCall(sim)
  })

  it('a wrap-up left by an agent who signed out is never shown to the next agent, and comes back to its owner', async () => {
    const created = await count(sim, 'CREATE_ENGAGEMENT_SUCCEEDED', 'out')
    await busyCall(sim)
    // HubSpot's answer reaches this page before the reload below (one sent to a page being reloaded is lost).
    await sim.page.waitForFunction(n => window.__hostLog.filter(e => e.dir === 'out' && e.type === 'CREATE_ENGAGEMENT_SUCCEEDED').length > n, created)
    await sim.widget.getByRole('combobox', { name: 'Call outcome', exact: true }).selectOption(BUSY_OUTCOME)
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Agent 1001 only')
    await sim.widget.getByRole('button', { name: 'Sign out', exact: true }).click()
    await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    await sim.page.reload()
    await sim.page.waitForFunction(() => window.__host?.isReady())
    await sim.widget.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
    expect(await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).count()).toBe(0)
    const loggedIn = await count(sim, 'LOGGED_IN')
    await signIn(sim, '1010')
    await sim.waitForMessage('LOGGED_IN', loggedIn + 1)
    await sim.widget.getByRole('button', { name: 'Call', exact: true }).waitFor()
    expect(await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).count()).toBe(0)
    await sim.widget.getByRole('button', { name: 'Sign out', exact: true }).click()
    await signIn(sim, AGENT)
    await sim.widget.getByRole('heading', { name: 'Call ended', exact: true }).waitFor()
    expect(await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).inputValue()).toBe('Agent 1001 only')
    await saveCall(sim)
  })
})

describe('in a browser that keeps nothing for HubSpot\'s iframe (all cookies blocked as well)', () => {
  let sim: Simulator
  const current = signedInForTests(AGENT, () => launchNoStorageContext())
  beforeAll(() => {
    sim = current()
  })

  it('calling still works, and the wrap-up itself says a reload would lose the notes', async () => {
    expect(await storagePolicy(sim)).toBe('memory')
    await busyCall(sim)
    await sim.widget.getByTestId('draft-storage').filter({ hasText: 'This browser lets the softphone keep nothing across a reload: save the call before you reload HubSpot, or these notes are lost.' }).waitFor()
    await sim.widget.getByRole('textbox', { name: 'Notes', exact: true }).fill('Kept in memory until saved')
    const completed = await count(sim, 'CALL_COMPLETED')
    await saveCall(sim)
    expect(((await sim.waitForMessage('CALL_COMPLETED', completed + 1)).data as { engagementProperties: { hs_call_body: string } }).engagementProperties.hs_call_body).toBe('Kept in memory until saved')
  })
})
