import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import CallHistory from '@/components/CallHistory.vue'
import DialerScreen from '@/components/DialerScreen.vue'
import type { HistoryEntry } from '@/domain/callHistory'
import { setLocale, useLocale } from '@/i18n'
import { useHistoryStore } from '@/stores/history'
import { mountWith } from './mountWith'

afterEach(() => {
  document.body.innerHTML = ''
})

const T0 = new Date(2026, 10, 27, 9, 30).getTime()
const CONNECTED = 'f240bbac-87c9-4f6e-bf70-924b57d47db7'

function entry(over: Partial<HistoryEntry>): HistoryEntry {
  return {
    callId: 'c@pbx', direction: 'OUTBOUND', number: '+442079460600', display: '+44 20 7946 0600',
    extensionSequence: null, name: null, callee: null, startedAt: T0, answeredAt: T0 + 1_000, endedAt: T0 + 66_000,
    endStatus: 'COMPLETED', outcomeId: null, ...over,
  }
}

const ENTRIES: HistoryEntry[] = [
  entry({ callId: 'missed@pbx', direction: 'INBOUND', number: '+442079460700', display: '+44 20 7946 0700', name: 'Ada Lovelace', startedAt: T0 + 3_000, answeredAt: null, endStatus: 'MISSED' }),
  entry({ callId: 'busy@pbx', number: '+442079460602', display: '+44 20 7946 0602', startedAt: T0 + 2_000, answeredAt: null, endStatus: 'BUSY' }),
  entry({ callId: 'echo@pbx', outcomeId: CONNECTED }),
  entry({ callId: 'anon@pbx', direction: 'INBOUND', number: '', display: '', startedAt: T0 - 1_000, answeredAt: null, endStatus: 'MISSED' }),
]

function mountHistory(entries = ENTRIES, kept: string = 'kept') {
  const mounted = mountWith(CallHistory, { initialState: { history: { kept, open: true } } })
  const store = useHistoryStore()
  // @pinia/testing lets a test set a getter.
  ;(store as unknown as { entries: HistoryEntry[] }).entries = entries
  return { ...mounted, store }
}

describe('CallHistory', () => {
  it('lists the calls newest first with direction, result, talk time and the saved outcome', async () => {
    const { wrapper } = mountHistory()
    await nextTick()
    const items = wrapper.findAll('li')
    expect(items.map(i => i.attributes('data-call-id'))).toEqual(['missed@pbx', 'busy@pbx', 'echo@pbx', 'anon@pbx'])
    expect(items[0]!.text()).toContain('Ada Lovelace')
    expect(items[0]!.text()).toContain('+44 20 7946 0700')
    expect(items[0]!.find('.history__result').text()).toBe('Missed')
    expect(items[0]!.text()).toContain('Incoming')
    expect(items[1]!.find('.history__result').text()).toBe('Busy')
    expect(items[1]!.text()).toContain('Outgoing')
    expect(items[2]!.find('.history__result').text()).toBe('Answered')
    expect(items[2]!.text()).toContain('1:05')
    expect(items[2]!.text()).toContain('Outcome: Connected')
    expect(items[3]!.text()).toContain('Unknown caller')
  })

  it('Redial goes through the store for each entry that has a number; an anonymous caller has none', async () => {
    const { wrapper, store } = mountHistory()
    await nextTick()
    const redials = wrapper.findAll('button.history__redial')
    expect(redials.map(b => b.attributes('aria-label'))).toEqual(['Redial Ada Lovelace', 'Redial +44 20 7946 0602', 'Redial +44 20 7946 0600'])
    await redials[1]!.trigger('click')
    expect(store.redial).toHaveBeenCalledWith(ENTRIES[1])
  })

  it('says when the history will not survive a reload', async () => {
    const { wrapper } = mountHistory([], 'page-only')
    await nextTick()
    expect(wrapper.find('[data-testid="history-kept"]').text()).toBe('This browser gives the softphone only a little storage here, kept for your unsaved call notes: this history will not survive a reload.')
    expect(wrapper.text()).toContain('No calls yet.')
  })

  it('writes the results, HubSpot\'s end statuses and the dates in the agent\'s language, not the browser\'s', async () => {
    await useLocale('de')
    try {
      const march = new Date(2026, 2, 4, 14, 5).getTime()
      const { wrapper } = mountHistory([
        entry({ callId: 'busy@pbx', startedAt: march, answeredAt: null, endStatus: 'BUSY' }),
        entry({ callId: 'missed@pbx', direction: 'INBOUND', startedAt: march - 1, answeredAt: null, endStatus: 'MISSED' }),
      ])
      await nextTick()
      const items = wrapper.findAll('li')
      expect(items.map(i => i.find('.history__result').text())).toEqual(['Besetzt', 'Verpasst'])
      expect(items[0]!.find('time').text()).toBe(new Intl.DateTimeFormat('de', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(march))
      expect(items[0]!.find('time').text()).toContain('März')
      expect(items[1]!.text()).toContain('Eingehend')
    }
    finally {
      setLocale('en')
    }
  })

  it('Back to dialer closes it; the heading takes the focus when it opens', async () => {
    const { wrapper, store } = mountHistory()
    expect(document.activeElement).toBe(wrapper.find('h1').element)
    await wrapper.findAll('button').find(b => b.text() === 'Back to dialer')!.trigger('click')
    expect(store.hide).toHaveBeenCalled()
  })
})

describe('DialerScreen: the way to the history', () => {
  it('shows the missed calls not seen yet on the Call history button, and opens the history', async () => {
    const { wrapper } = mountWith(DialerScreen)
    const store = useHistoryStore()
    const button = wrapper.find('[data-testid="open-history"]')
    expect(button.text()).toBe('Call history')
    ;(store as unknown as { missedCount: number }).missedCount = 2
    await nextTick()
    expect(button.text()).toBe('Call history 2 missed')
    ;(store as unknown as { missedCount: number }).missedCount = 1
    await nextTick()
    expect(button.text()).toBe('Call history 1 missed')
    await button.trigger('click')
    expect(store.show).toHaveBeenCalled()
  })
})
