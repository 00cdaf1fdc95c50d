import { afterEach, describe, expect, it } from 'vitest'
import AvailabilityToggle from '@/components/AvailabilityToggle.vue'
import IncomingCallScreen from '@/components/IncomingCallScreen.vue'
import type { CallerIdMatch } from '@/hubspot/types'
import { useAvailabilityStore } from '@/stores/availability'
import { useCallStore } from '@/stores/call'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const call = {
  callId: 'in-1', direction: 'INBOUND', toNumber: '1002', display: '+44 20 7946 0700', fromNumber: '+442079460700',
  startedAt: 1000, answeredAt: null, endedAt: null, engagementId: null, endStatus: null, endReason: null,
}
const ACME: CallerIdMatch = { callerIdType: 'COMPANY', objectCoordinates: { portalId: 1, objectId: 9201, objectTypeId: '0-2' }, name: 'Acme Ltd' }

function ringing(caller: Record<string, unknown>) {
  return mountWith(IncomingCallScreen, { initialState: { call: { phase: 'incoming', call, caller } } })
}

function button(wrapper: ReturnType<typeof mountWith>['wrapper'], name: string) {
  const found = wrapper.findAll('button').find(b => b.text() === name)
  if (!found)
    throw new Error(`no button ${name}`)
  return found
}

describe('IncomingCallScreen', () => {
  it('shows the SIP display name and number while HubSpot looks the caller up', () => {
    const { wrapper } = ringing({ displayName: 'Ada L', lookup: 'pending', matches: [], chosen: null })
    expect(wrapper.find('h1').text()).toBe('Ada L')
    expect(wrapper.find('[data-testid="caller-number"]').text()).toBe('+44 20 7946 0700')
    expect(wrapper.text()).toContain('Looking up the caller in HubSpot')
  })

  it('shows the bare number when there is no name and no match', () => {
    const { wrapper } = ringing({ displayName: '', lookup: 'unmatched', matches: [], chosen: null })
    expect(wrapper.find('h1').text()).toBe('+44 20 7946 0700')
    expect(wrapper.find('[data-testid="caller-number"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('No HubSpot record has this number.')
  })

  it('shows the matched company and opens its record', async () => {
    const { wrapper } = ringing({ displayName: 'Ada L', lookup: 'matched', matches: [ACME], chosen: ACME })
    expect(wrapper.find('h1').text()).toBe('Acme Ltd')
    await button(wrapper, 'Open company record').trigger('click')
    expect(useCallStore().openRecord).toHaveBeenCalledWith(ACME)
  })

  it('several records match: lists them all, names none until the agent picks one', async () => {
    const ADA: CallerIdMatch = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: '' }
    const { wrapper } = ringing({ displayName: 'Front desk', lookup: 'matched', matches: [ADA, ACME], chosen: null })
    expect(wrapper.find('h1').text()).toBe('Front desk')
    expect(wrapper.find('[data-testid="caller-choice"]').text()).toBe('2 HubSpot records have this number. Open the caller\'s record:')
    expect(wrapper.findAll('li').map(li => li.text())).toEqual([
      'Ada Lovelace (HubSpot contact)Open contact record',
      'Acme Ltd (HubSpot company)Open company record',
    ])
    await wrapper.find('button[aria-label="Open Acme Ltd\'s company record"]').trigger('click')
    expect(useCallStore().openRecord).toHaveBeenCalledWith(ACME)
  })

  it('several records match and one was picked: its name is the caller', () => {
    const ADA: CallerIdMatch = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: '' }
    const { wrapper } = ringing({ displayName: 'Front desk', lookup: 'matched', matches: [ADA, ACME], chosen: ACME })
    expect(wrapper.find('h1').text()).toBe('Acme Ltd')
    expect(wrapper.find('[data-testid="caller-choice"]').text()).toBe('2 HubSpot records have this number; this call goes on Acme Ltd.')
  })

  it('answers and declines', async () => {
    const { wrapper } = ringing({ displayName: '', lookup: 'pending', matches: [], chosen: null })
    await button(wrapper, 'Answer').trigger('click')
    await button(wrapper, 'Decline').trigger('click')
    expect(useCallStore().answer).toHaveBeenCalledOnce()
    expect(useCallStore().decline).toHaveBeenCalledOnce()
  })
})

describe('AvailabilityToggle', () => {
  it('switches to Do not disturb', async () => {
    const { wrapper } = mountWith(AvailabilityToggle)
    await wrapper.find('select').setValue('dnd')
    expect(useAvailabilityStore().setAvailable).toHaveBeenCalledWith(false)
  })

  it('is not offered where HubSpot has no inbound calling (iframeLocation widget)', () => {
    const { wrapper } = mountWith(AvailabilityToggle, { initialState: { widget: { info: { iframeLocation: 'widget' } } } })
    expect(wrapper.find('select').exists()).toBe(false)
  })
})
