import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
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
const wrapUp = { outcomeId: 'f240bbac-87c9-4f6e-bf70-924b57d47db7', notes: '', saving: false, waitingForEngagement: false, error: null, confirmingClose: false }
const buttons = (wrapper: ReturnType<typeof mountWith>['wrapper']) => wrapper.findAll('button').map(b => b.text())

describe('WrapUpScreen', () => {
  it('lists HubSpot\'s outcomes with the preselected one chosen, and the talk time', () => {
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call, wrapUp } } })
    const select = wrapper.find('select')
    expect(select.findAll('option').map(o => o.text())).toEqual(['No outcome', 'Connected', 'Busy', 'No answer', 'Left voicemail', 'Left live message', 'Wrong number'])
    expect(select.findAll('option').slice(1).map(o => o.attributes('value'))).toEqual(CALL_OUTCOMES.map(o => o.id))
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

  it('offers no Close while the save can go through', () => {
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call, wrapUp } } })
    expect(buttons(wrapper)).toEqual(['Save call'])
  })

  it('after a failed save offers Retry, Copy notes and Close wrap-up', () => {
    const { wrapper } = mountWith(WrapUpScreen, {
      initialState: { call: { phase: 'ended', call, wrapUp: { ...wrapUp, notes: 'kept', error: 'HubSpot could not save the call: x' } } },
    })
    expect(buttons(wrapper)).toEqual(['Retry', 'Copy notes', 'Close wrap-up'])
  })

  it('says "Waiting for HubSpot" while a save waits for the engagement', () => {
    const { wrapper } = mountWith(WrapUpScreen, {
      initialState: { call: { phase: 'ended', call: { ...call, engagementId: null }, wrapUp: { ...wrapUp, saving: true, waitingForEngagement: true } } },
    })
    expect(wrapper.find('[role="status"]').text()).toBe('Waiting for HubSpot to create the call record…')
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeDefined()
  })

  describe('HubSpot has no record of the call', () => {
    const noRecord = { call: { phase: 'ended', call: { ...call, engagementId: null, engagementFailure: 'Simulated failure.' }, wrapUp: { ...wrapUp, notes: 'Call back Friday' } } }

    it('says so with HubSpot\'s reason, offers Copy notes and Close wrap-up, and no Save', () => {
      const { wrapper } = mountWith(WrapUpScreen, { initialState: noRecord, stubActions: false })
      expect(wrapper.find('[data-testid="no-record"]').text()).toContain('HubSpot has no record of this call: Simulated failure. The outcome')
      expect(buttons(wrapper)).toEqual(['Copy notes', 'Close wrap-up'])
    })

    it('asks once before closing with notes; Keep editing keeps them; Discard closes', async () => {
      const { wrapper, ports } = mountWith(WrapUpScreen, { initialState: noRecord, stubActions: false })
      const store = useCallStore()
      await wrapper.findAll('button').find(b => b.text() === 'Close wrap-up')!.trigger('click')
      expect(wrapper.find('#confirm-close').text()).toContain('Close without saving?')
      expect(buttons(wrapper)).toEqual(['Discard notes and close', 'Keep editing'])
      await wrapper.findAll('button').find(b => b.text() === 'Keep editing')!.trigger('click')
      expect(store.wrapUp.notes).toBe('Call back Friday')
      await wrapper.findAll('button').find(b => b.text() === 'Close wrap-up')!.trigger('click')
      await wrapper.findAll('button').find(b => b.text() === 'Discard notes and close')!.trigger('click')
      expect(store.phase).toBe('idle')
      expect(ports.hubspot.sent.filter(m => m.type === 'callCompleted')).toHaveLength(0)
    })

    it('the prompt takes the focus on Keep editing; Escape cancels it and gives the focus back to Close wrap-up', async () => {
      const { wrapper } = mountWith(WrapUpScreen, { initialState: noRecord, stubActions: false })
      await wrapper.findAll('button').find(b => b.text() === 'Close wrap-up')!.trigger('click')
      await flushPromises()
      expect(wrapper.find('[role="alertdialog"]').exists()).toBe(true)
      expect(document.activeElement?.textContent).toBe('Keep editing')
      await wrapper.find('[role="alertdialog"]').trigger('keydown', { key: 'Escape' })
      await flushPromises()
      expect(wrapper.find('[role="alertdialog"]').exists()).toBe(false)
      expect(document.activeElement?.textContent).toBe('Close wrap-up')
    })

    it('copies the notes (the clipboard API refused in the iframe: the selection and the copy command)', async () => {
      const writeText = vi.fn().mockRejectedValue(new DOMException('not allowed', 'NotAllowedError'))
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
      const execCommand = vi.fn().mockReturnValue(true)
      document.execCommand = execCommand
      const { wrapper } = mountWith(WrapUpScreen, { initialState: noRecord, stubActions: false })
      await wrapper.findAll('button').find(b => b.text() === 'Copy notes')!.trigger('click')
      await flushPromises()
      expect(writeText).toHaveBeenCalledWith('Call back Friday')
      expect(execCommand).toHaveBeenCalledWith('copy')
      expect(wrapper.text()).toContain('Notes copied.')
      execCommand.mockReturnValue(false)
      await wrapper.find('textarea').setValue('Call back Friday, 10am')
      expect(wrapper.text()).not.toContain('Notes copied.')
      await wrapper.findAll('button').find(b => b.text() === 'Copy notes')!.trigger('click')
      await flushPromises()
      expect(wrapper.text()).toContain('The notes are selected: press Ctrl+C')
    })
  })

  it('tells the agent when the browser keeps nothing across a reload', () => {
    const { wrapper } = mountWith(WrapUpScreen, { initialState: { call: { phase: 'ended', call, wrapUp } } })
    useCallStore().draftKept = 'not-kept'
    return wrapper.vm.$nextTick().then(() => {
      expect(wrapper.find('[data-testid="draft-storage"]').text()).toContain('keep nothing across a reload')
    })
  })
})
