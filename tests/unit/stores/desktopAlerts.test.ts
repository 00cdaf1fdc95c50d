import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { useAgentStore } from '@/stores/agent'
import { useCallStore } from '@/stores/call'
import { useDesktopAlertsStore } from '@/stores/desktopAlerts'
import type { Harness } from '../fakes'
import { createHarness } from '../fakes'

async function signedIn(permission: 'granted' | 'default' | 'blocked-in-frame' = 'granted'): Promise<Harness> {
  const h = createHarness()
  h.notifier.permission = permission
  useDesktopAlertsStore()
  await useAgentStore().signIn({ extension: '1002', password: 'pw', displayName: '' })
  return h
}
const ring = (h: Harness, callId = 'in-1@pbx'): void => h.sip.emit('incomingCall', { callId, fromNumber: '+442079460700', displayName: 'Ada L' })

describe('desktop alerts', () => {
  it('HubSpot\'s tab hidden: an inbound call raises one notification with the caller; answering closes it', async () => {
    const h = await signedIn()
    h.notifier.setHidden(true)
    ring(h)
    await nextTick()
    expect(h.notifier.shown.map(n => [n.title, n.body, n.tag, n.closed])).toEqual([
      ['Incoming call: Ada L', '+44 20 7946 0700. Click to answer in HubSpot.', 'softphone-call-in-1@pbx', false],
    ])
    h.sip.emit('callAnswered', { callId: 'in-1@pbx' })
    await nextTick()
    expect(h.notifier.shown[0]!.closed).toBe(true)
    expect(h.notifier.shown).toHaveLength(1)
  })

  it('HubSpot in front: no notification (the widget is ringing in view)', async () => {
    const h = await signedIn()
    ring(h)
    await nextTick()
    expect(h.notifier.shown).toEqual([])
  })

  it('HubSpot says the widget is hidden or minimised (onVisibilityChanged): notified; the caller giving up closes it', async () => {
    const h = await signedIn()
    h.hubspot.emit('visibilityChanged', { isMinimized: true, isHidden: false })
    ring(h)
    await nextTick()
    expect(h.notifier.shown).toHaveLength(1)
    h.sip.emit('callEnded', { callId: 'in-1@pbx', cause: { type: 'missed' } })
    await nextTick()
    expect(h.notifier.shown[0]!.closed).toBe(true)
  })

  it('the tab hidden while it rings raises it then; the agent looking again closes it', async () => {
    const h = await signedIn()
    ring(h)
    await nextTick()
    h.notifier.setHidden(true)
    await nextTick()
    expect(h.notifier.shown).toHaveLength(1)
    h.notifier.setHidden(false)
    await nextTick()
    expect(h.notifier.shown[0]!.closed).toBe(true)
  })

  it('clicking the notification brings the call forward (a focus request for Answer)', async () => {
    const h = await signedIn()
    const alerts = useDesktopAlertsStore()
    h.notifier.setHidden(true)
    ring(h)
    await nextTick()
    h.notifier.shown[0]!.onClick()
    expect(alerts.focusRequests).toBe(1)
  })

  it('outbound calls and calls without permission raise nothing; permission is asked only by enable()', async () => {
    const h = await signedIn('default')
    const alerts = useDesktopAlertsStore()
    h.notifier.setHidden(true)
    await useCallStore().dial('600', { fromHubSpot: false })
    await nextTick()
    expect(h.notifier.shown).toEqual([])
    expect(h.notifier.permission).toBe('default') // nothing asked at load or on a call
    await alerts.enable()
    expect(alerts.access).toBe('granted')
  })

  it('follows the browser when its answer changes outside the page', async () => {
    const h = await signedIn('default')
    const alerts = useDesktopAlertsStore()
    h.notifier.setPermission('granted')
    expect(alerts.access).toBe('granted')
  })

  it('blocked in HubSpot\'s cross-origin frame: enable() cannot change it, nothing is shown', async () => {
    const h = await signedIn('blocked-in-frame')
    const alerts = useDesktopAlertsStore()
    h.notifier.setHidden(true)
    ring(h)
    await nextTick()
    await alerts.enable()
    expect(alerts.access).toBe('blocked-in-frame')
    expect(h.notifier.shown).toEqual([])
  })
})
