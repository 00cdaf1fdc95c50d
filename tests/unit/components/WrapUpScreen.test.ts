import { afterEach, describe, expect, it } from 'vitest'
import WrapUpScreen from '@/components/WrapUpScreen.vue'
import { CALL_OUTCOMES } from '@/domain/outcomes'
import { useCallStore } from '@/stores/call'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const call = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '+442079460600', display: '+44 20 7946 0600', fromNumber: '1001',
  startedAt: 1000, answeredAt: 2000, endedAt: 65_000, engagementId: 9, endStatus: 'COMPLETED', endReason: 'The call ended.',
}
const wrapUp = { outcomeId: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', notes: '', saving: false, error: null }

describe('WrapUpScreen', () => {
  it('lists HubSpot\'s outcomes with the preselected one chosen, and the talk time', () => {
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call, wrapUp } } })
    const select = wrapper.find('select')
    expect(select.findAll('option').map(o => o.text())).toEqual(['No outcome', ...CALL_OUTCOMES.map(o => o.label)])
    expect((select.element as HTMLSelectElement).value).toBe(wrapUp.outcomeId)
    expect(wrapper.text()).toContain('1:03')
  })

  it('writes the notes into the store as they are typed and saves on Save call', async () => {
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call, wrapUp } } })
    await wrapper.find('textarea').setValue('Follow up next week')
    const store = useCallStore()
    expect(store.wrapUp.notes).toBe('Follow up next week')
    await wrapper.find('form').trigger('submit')
    expect(store.saveCall).toHaveBeenCalledOnce()
    expect(wrapper.find('button[type="submit"]').text()).toBe('Save call')
  })

  it('shows the failure and a Retry when HubSpot could not save', () => {
    const { wrapper } = mountWith(WrapUpScreen, {
      initialState: { call: { phase: 'ended', call, wrapUp: { ...wrapUp, notes: 'kept', error: 'HubSpot could not save the call: x' } } },
    })
    expect(wrapper.find('[role="alert"]').text()).toContain('could not save')
    expect(wrapper.find('button[type="submit"]').text()).toBe('Retry')
    expect((wrapper.find('textarea').element as HTMLTextAreaElement).value).toBe('kept')
  })
})
