/**
 * Every string the agent sees comes from the catalogue. Each screen is mounted in a pseudo-locale
 * whose every message is en's wrapped in ⟦…⟧; what is left of each text node and of each
 * aria-label, title and placeholder once the wrapped parts are taken out must hold no letters,
 * apart from the data the test itself put on screen (a caller's name, a device's label). A
 * hard-coded "Hang up", a `Call quality: {{ … }}` with English around the interpolation, an
 * aria-label written in the template, or a key missing from a catalogue (vue-i18n would fall back
 * to unwrapped English) all fail here.
 *
 * Not language, so not checked: `<code>` (a URL, a file name), `<kbd>` and the shortcut titles
 * (`Alt+M`: key names), the dial pad's letters (2 ABC) — the same in every locale.
 */
import type { VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Component } from 'vue'
import { nextTick } from 'vue'
import AvailabilityToggle from '@/components/AvailabilityToggle.vue'
import CallHistory from '@/components/CallHistory.vue'
import CallScreen from '@/components/CallScreen.vue'
import CallerRecord from '@/components/CallerRecord.vue'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import ConnectionBanner from '@/components/ConnectionBanner.vue'
import DesktopAlertsSetting from '@/components/DesktopAlertsSetting.vue'
import DeviceSettings from '@/components/DeviceSettings.vue'
import DialerScreen from '@/components/DialerScreen.vue'
import IncomingCallScreen from '@/components/IncomingCallScreen.vue'
import NoticeList from '@/components/NoticeList.vue'
import JoiningScreen from '@/components/JoiningScreen.vue'
import SignInScreen from '@/components/SignInScreen.vue'
import StatusBar from '@/components/StatusBar.vue'
import TransferPanel from '@/components/TransferPanel.vue'
import WrapUpScreen from '@/components/WrapUpScreen.vue'
import type { HistoryEntry } from '@/domain/callHistory'
import { parseConfig } from '@/domain/config'
import { describeEndCause } from '@/domain/endStatus'
import type { AppLocale } from '@/domain/locale'
import { CALL_OUTCOMES } from '@/domain/outcomes'
import { summarize } from '@/domain/quality'
import type { QualitySample } from '@/domain/quality'
import { i18n, t } from '@/i18n'
import { useAgentStore } from '@/stores/agent'
import { useDesktopAlertsStore } from '@/stores/desktopAlerts'
import { useHistoryStore } from '@/stores/history'
import { mountWith } from '../components/mountWith'
import { createHarness } from '../fakes'
import { catalogueSource, compiledTree } from './catalogueSource'
import type { Tree } from './catalogueSource'

const PSEUDO = 'en-XA' as AppLocale

/**
 * en with the words of every message (each plural branch) wrapped in ⟦…⟧ and each parameter left
 * outside them: "Sign-in failed: {reason}" → "⟦Sign-in failed: ⟧{reason}⟦⟧", so what fills a
 * parameter (a SIP error's message, a reason) is checked as well, not hidden inside a wrapped one.
 */
function pseudo(tree: Tree): Tree {
  const wrap = (branch: string): string => `⟦${branch.replace(/\{\s*([A-Za-z_]\w*)\s*\}/g, '⟧{$1}⟦')}⟧`
  return Object.fromEntries(Object.entries(tree).map(([key, value]) =>
    [key, typeof value === 'string' ? value.split(' | ').map(wrap).join(' | ') : pseudo(value)]))
}

const PSEUDO_MESSAGES = compiledTree(pseudo(catalogueSource('en')))

/** Text left once every catalogue message (nested ones too: a reason inside a notice) is taken out. */
function outsideCatalogue(text: string): string {
  let rest = text
  for (let before = ''; before !== rest;) {
    before = rest
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, '')
  }
  return rest
}

const SKIPPED = 'code, kbd, .dialpad__sub'
const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-valuetext']
const SHORTCUT = /^Alt\+[A-Z]$/

/**
 * The words `Intl` itself writes in `locale` for the units, lists and dates the softphone formats
 * ("sec", "ms", "minutes", "and", "Nov", "PM"): localized by the browser, not by us, so not raw strings.
 */
function intlWords(locale: string): Set<string> {
  const texts: string[] = []
  for (const unit of ['hour', 'minute', 'second', 'millisecond'] as const) {
    for (const unitDisplay of ['short', 'long', 'narrow'] as const) {
      for (const n of [0, 1, 2, 1.5])
        texts.push(new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay }).format(n))
    }
  }
  texts.push(new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(['x', 'y', 'z']))
  texts.push(new Intl.ListFormat(locale, { style: 'long', type: 'unit' }).format(['x', 'y', 'z']))
  // The history's start times: month names and AM/PM, as `Intl.DateTimeFormat` writes them.
  for (let month = 0; month < 12; month++) {
    for (const hour of [9, 21])
      texts.push(new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(2026, month, 1, hour)))
  }
  return new Set(texts.flatMap(text => text.match(/\p{L}+/gu) ?? []).filter(word => word !== 'x' && word !== 'y' && word !== 'z'))
}

/** Every visible or accessible text under `root` that has letters the catalogue (or `Intl`) did not write. */
function rawStrings(root: Element, data: readonly string[], intl: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = []
  const check = (text: string): void => {
    let rest = outsideCatalogue(text)
    for (const value of data) rest = rest.split(value).join('')
    if ((rest.match(/\p{L}+/gu) ?? []).some(word => !intl.has(word)))
      found.push(text.trim())
  }
  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      check(node.textContent ?? '')
      return
    }
    if (!(node instanceof Element) || node.matches(SKIPPED))
      return
    for (const name of ATTRIBUTES) {
      const value = node.getAttribute(name)
      if (value && !(name === 'title' && SHORTCUT.test(value)))
        check(value)
    }
    node.childNodes.forEach(walk)
  }
  walk(root)
  return found
}

const ada = { callerIdType: 'CONTACT', objectCoordinates: { portalId: 1, objectId: 9101, objectTypeId: '0-1' }, firstName: 'Ada', lastName: 'Lovelace', email: '' }
const acme = { callerIdType: 'COMPANY', objectCoordinates: { portalId: 1, objectId: 77, objectTypeId: '0-2' }, name: 'Acme Ltd' }
/** What the test puts on screen that is not the softphone's words: names, labels, a SIP reason phrase. */
const DATA = ['Ada Lovelace', 'Acme Ltd', 'Front desk', 'Jabra Evolve2', 'Busy Here', 'HubSpot is down'] as const

const outbound = {
  callId: 'c1', direction: 'OUTBOUND', toNumber: '+442079460600', display: '+44 20 7946 0600', fromNumber: '1001',
  startedAt: 1000, answeredAt: 2000, endedAt: null, engagementId: 9, endStatus: null, endReason: null,
  extension: { digits: '45', sequence: ',45' },
}
const inbound = { ...outbound, direction: 'INBOUND', toNumber: '1001', fromNumber: '+442079460999', display: '+44 20 7946 0999', extension: undefined }
const sample: QualitySample = { mos: 4.3, rttMs: 12, jitterMs: 1.2, loss: 0.012, level: 'good', at: 5000 } as QualitySample
const wrapUp = { outcomeId: '', notes: 'n', saving: false, waitingForEngagement: false, error: null, confirmingClose: false }

const NOW = Date.now()
const OLD = new Date(2026, 10, 2, 9, 30).getTime()
function historyEntry(over: Partial<HistoryEntry>): HistoryEntry {
  return {
    callId: `${over.endStatus ?? 'open'}-${over.direction ?? 'OUTBOUND'}-${over.startedAt ?? NOW}@pbx`, direction: 'OUTBOUND', number: '+442079460600', display: '+44 20 7946 0600',
    extensionSequence: null, name: null, callee: null, startedAt: NOW, answeredAt: null, endedAt: NOW + 30_000, endStatus: 'COMPLETED', outcomeId: null, ...over,
  }
}
/** A call of every result: answered (with an outcome, today and on an earlier day), each inbound one, an outbound one of each HubSpot end status, one not ended. */
const HISTORY: HistoryEntry[] = [
  historyEntry({ answeredAt: NOW + 1000, outcomeId: CALL_OUTCOMES[0]!.id, name: 'Ada Lovelace' }),
  historyEntry({ startedAt: OLD, answeredAt: OLD + 1000, endedAt: OLD + 66_000, direction: 'INBOUND' }),
  ...(['MISSED', 'REJECTED', 'CANCELED'] as const).map(endStatus => historyEntry({ direction: 'INBOUND', endStatus, startedAt: NOW - 1000 })),
  historyEntry({ direction: 'INBOUND', endStatus: 'MISSED', number: '', display: '', startedAt: NOW - 2000 }),
  ...(['BUSY', 'NO_ANSWER', 'CANCELED', 'REJECTED', 'FAILED', 'MISSED', 'COMPLETED'] as const).map(endStatus => historyEntry({ endStatus, startedAt: NOW - 3000 })),
  historyEntry({ endStatus: null, endedAt: null, startedAt: NOW - 4000 }),
]
/** The history store's state for `kept`; its getters (`entries`, `missedCount`) are set by `showHistory` once mounted. */
const history = (kept = 'kept') => ({ history: { kept, open: true } })
/** Sets the history's getters (@pinia/testing lets a test set one): `entries`, and the missed calls among them as unseen. */
function showHistory(entries: HistoryEntry[]): () => void {
  return () => {
    const store = useHistoryStore() as unknown as { entries: HistoryEntry[], missedCount: number }
    store.entries = entries
    store.missedCount = entries.filter(e => e.direction === 'INBOUND' && e.endStatus === 'MISSED' && e.answeredAt === null).length
  }
}

interface Screen {
  name: string
  component: Component
  state?: () => Record<string, unknown>
  props?: () => Record<string, unknown>
  /** Puts on screen what state alone cannot (a store's getters), after mounting. */
  arrange?: () => void
  /** What the screen must show for the check to mean anything (e.g. every kind of history entry). */
  shows?: (wrapper: VueWrapper) => void
}

const agent = { extension: '1001', displayName: 'Front desk', registration: 'registered', signedIn: true }
const SCREENS: Screen[] = [
  { name: 'joining (a new frame learning the phone)', component: JoiningScreen },
  { name: 'sign-in', component: SignInScreen },
  { name: 'sign-in, registering', component: SignInScreen, state: () => ({ agent: { registration: 'registering' } }) },
  { name: 'sign-in, refused', component: SignInScreen, state: () => ({ agent: { registration: 'failed', failure: t('signIn.failed', { reason: t('sip.wrongPassword') }) } }) },
  { name: 'status bar, registered', component: StatusBar, state: () => ({ agent }) },
  { name: 'status bar, do not disturb', component: StatusBar, state: () => ({ agent, availability: { available: false } }) },
  { name: 'status bar, registering', component: StatusBar, state: () => ({ agent: { ...agent, registration: 'registering' } }) },
  { name: 'status bar, failed', component: StatusBar, state: () => ({ agent: { ...agent, registration: 'failed' } }) },
  { name: 'availability', component: AvailabilityToggle },
  { name: 'reconnecting, waiting', component: ConnectionBanner, state: () => ({ agent: { ...agent, registration: 'failed', reconnect: { attempt: 3, delayMs: 4000 } } }) },
  { name: 'reconnecting, now', component: ConnectionBanner, state: () => ({ agent: { ...agent, registration: 'registering', reconnect: { attempt: 4, delayMs: 0 } } }) },
  {
    name: 'notices',
    component: NoticeList,
    state: () => ({ call: { notices: [
      { id: 1, kind: 'error', text: t('notice.notPlaced', { why: t('number.noCountryCode', { number: '“0207”' }) }) },
      { id: 2, kind: 'info', text: t('notice.devicesGone', { devices: 'Jabra Evolve2' }, 1) },
    ] } }),
  },
  { name: 'dialer', component: DialerScreen, state: () => ({ agent }) },
  { name: 'dialer, one missed call', component: DialerScreen, state: () => ({ agent, ...history() }), arrange: showHistory(HISTORY.filter(e => e.endStatus === 'MISSED' && e.direction === 'INBOUND').slice(0, 1)), shows: wrapper => expect(wrapper.find('[data-testid="missed-count"]').exists()).toBe(true) },
  { name: 'dialer, missed calls', component: DialerScreen, state: () => ({ agent, ...history() }), arrange: showHistory(HISTORY), shows: wrapper => expect(wrapper.find('[data-testid="missed-count"]').exists()).toBe(true) },
  {
    name: 'call history, every result',
    component: CallHistory,
    state: () => ({ agent, ...history() }),
    arrange: showHistory(HISTORY),
    shows: (wrapper) => {
      expect(new Set(wrapper.findAll('li').map(li => li.attributes('data-result')))).toEqual(new Set(['answered', 'missed', 'declined', 'elsewhere', 'not-connected', 'in-progress']))
      expect(wrapper.findAll('.history__outcome')).toHaveLength(1)
      expect(wrapper.findAll('button.history__redial').length).toBeGreaterThan(0)
    },
  },
  { name: 'call history, empty', component: CallHistory, state: () => ({ agent, ...history() }), arrange: showHistory([]) },
  ...(['page-only', 'not-kept', 'full'] as const).map(kept => ({
    name: `call history, ${kept}`, component: CallHistory, state: () => ({ agent, ...history(kept) }), arrange: showHistory(HISTORY.slice(0, 2)),
    shows: (wrapper: VueWrapper) => expect(wrapper.find('[data-testid="history-kept"]').exists()).toBe(true),
  })),
  ...(['default', 'granted', 'denied', 'blocked-in-frame', 'unsupported'] as const).map(access => ({
    name: `desktop notifications, ${access}`, component: DesktopAlertsSetting, state: () => ({ desktopAlerts: { access } }),
  })),
  { name: 'ringing out', component: CallScreen, state: () => ({ call: { phase: 'ringing', call: outbound } }) },
  { name: 'calling', component: CallScreen, state: () => ({ call: { phase: 'calling', call: outbound } }) },
  {
    name: 'in call: keypad, quality warning, extension keyed in',
    component: CallScreen,
    state: () => ({ call: { phase: 'connected', call: outbound, keypadOpen: true, dtmfSent: '12', quality: sample, qualityWarning: true, postDial: { state: 'sent', sent: '45' } } }),
  },
  { name: 'in call: held, muted', component: CallScreen, state: () => ({ call: { phase: 'connected', call: outbound, held: true, muted: true, postDial: { state: 'failed', sent: '' } } }) },
  { name: 'in call: reconnecting', component: CallScreen, state: () => ({ call: { phase: 'connected', call: outbound, reconnecting: true, postDial: { state: 'waiting', sent: '4' } } }) },
  { name: 'in call: talking to the transfer target', component: CallScreen, state: () => ({ call: { phase: 'connected', call: inbound, held: true, transfer: { stage: 'talking', target: '+4420', display: 'Acme Ltd' } } }) },
  { name: 'transfer form', component: TransferPanel, state: () => ({ call: { phase: 'connected', call: outbound } }) },
  ...(['blind', 'calling', 'ringing', 'completing'] as const).map(stage => ({
    name: `transfer: ${stage}`, component: TransferPanel, state: () => ({ call: { phase: 'connected', call: outbound, transfer: { stage, target: '+4420', display: 'Acme Ltd' } } }),
  })),
  { name: 'inbound ringing, looking up', component: IncomingCallScreen, state: () => ({ call: { phase: 'incoming', call: inbound, caller: { displayName: 'Front desk', lookup: 'pending', matches: [], chosen: null } } }) },
  { name: 'inbound ringing, two records', component: IncomingCallScreen, state: () => ({ call: { phase: 'incoming', call: inbound, caller: { displayName: '', lookup: 'matched', matches: [ada, acme], chosen: null } } }) },
  { name: 'caller record, picked', component: CallerRecord, state: () => ({ call: { phase: 'connected', call: inbound, caller: { displayName: '', lookup: 'matched', matches: [ada, acme], chosen: acme } } }) },
  { name: 'caller record, no match', component: CallerRecord, state: () => ({ call: { phase: 'connected', call: inbound, caller: { displayName: '', lookup: 'unmatched', matches: [], chosen: null } } }) },
  {
    name: 'wrap-up',
    component: WrapUpScreen,
    state: () => ({ call: { phase: 'ended', call: { ...outbound, endedAt: 65_000, endReason: describeEndCause({ type: 'rejected', statusCode: 486, reasonPhrase: 'Busy Here' }), quality: summarize([sample]) }, wrapUp, draftKept: 'not-kept' } }),
  },
  {
    name: 'wrap-up, save failed',
    component: WrapUpScreen,
    state: () => ({ call: { phase: 'ended', call: { ...outbound, endedAt: 65_000, endReason: describeEndCause({ type: 'hangup', by: 'remote' }) }, wrapUp: { ...wrapUp, error: t('wrapUp.saveFailed', { why: 'HubSpot is down', delay: '2' }) }, draftKept: 'too-long' } }),
  },
  {
    name: 'wrap-up, no HubSpot record, closing',
    component: WrapUpScreen,
    state: () => ({ call: { phase: 'ended', call: { ...outbound, endedAt: 65_000, endReason: describeEndCause({ type: 'ring-timeout' }, 45), engagementId: null, engagementFailure: t('wrapUp.neverCreated') }, wrapUp: { ...wrapUp, confirmingClose: true } } }),
  },
  { name: 'wrap-up, waiting for HubSpot', component: WrapUpScreen, state: () => ({ call: { phase: 'ended', call: { ...outbound, endedAt: 65_000 }, wrapUp: { ...wrapUp, saving: true, waitingForEngagement: true } } }) },
  { name: 'wrap-up, saving', component: WrapUpScreen, state: () => ({ call: { phase: 'ended', call: { ...outbound, endedAt: 65_000 }, wrapUp: { ...wrapUp, saving: true } } }) },
  {
    name: 'audio devices',
    component: DeviceSettings,
    state: () => ({ devices: { inputs: [{ deviceId: 'm1', label: 'Jabra Evolve2' }], outputs: [{ deviceId: 'o1', label: t('devices.unnamedSpeaker', { n: 1 }) }], labelsKnown: false } }),
  },
  {
    name: 'setup screen',
    component: ConfigErrorScreen,
    props: () => {
      const broken = parseConfig({ pbxUrl: 'ftp://pbx.example.com', sipDomain: 'sip:pbx', ringTimeoutSeconds: 'soon', iceServers: [{}] }, new URLSearchParams('locale=it'), { hostname: 'softphone.example.com' })
      return {
        errors: [{ field: 'allowedOrigins', message: t('setup.notHubSpot', { origin: 'https://evil.example' }) }, ...(broken.ok ? [] : broken.errors)],
        sources: t('setup.nothing', { file: t('setup.fileAbsent') }),
      }
    },
  },
]

beforeEach(() => {
  // Compiled as the build compiles en: the app's vue-i18n has no message compiler.
  i18n.global.setLocaleMessage(PSEUDO, PSEUDO_MESSAGES as never)
  i18n.global.locale.value = PSEUDO
})

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
})

describe('every string on every screen comes from the catalogue', () => {
  it.each(SCREENS.map(s => [s.name, s] as const))('%s', async (_name, screen) => {
    const { wrapper } = mountWith(screen.component, { initialState: screen.state?.(), props: screen.props?.() })
    mounted = wrapper
    screen.arrange?.()
    await nextTick()
    // The screen rendered something in the pseudo-locale (not an empty shell that passes by saying nothing).
    expect(wrapper.text()).toContain('⟦')
    screen.shows?.(wrapper)
    expect(rawStrings(wrapper.element as Element, [...DATA, 'https://evil.example', '"ftp://pbx.example.com"', '"sip:pbx"', '"soon"', '"it"', 'ftp://', 'en, de, fr, es'], intlWords(PSEUDO))).toEqual([])
  })

  it.each([['a named caller', 'Ada Lovelace'], ['a number only', '']])('the desktop notification of a ringing call from %s: title and body', async (_who, displayName) => {
    const h = createHarness()
    h.notifier.permission = 'granted'
    useDesktopAlertsStore()
    await useAgentStore().signIn({ extension: '1002', password: 'pw', displayName: '' })
    h.notifier.setHidden(true)
    h.sip.emit('incomingCall', { callId: 'in-1@pbx', fromNumber: '+442079460700', displayName })
    await nextTick()
    const texts = h.notifier.shown.flatMap(n => [n.title, n.body ?? ''])
    expect(texts).toHaveLength(2)
    const root = document.createElement('div')
    for (const text of texts) root.append(Object.assign(document.createElement('p'), { textContent: text }))
    expect(root.textContent).toContain('⟦')
    expect(rawStrings(root, [...DATA, '+44 20 7946 0700'])).toEqual([])
  })

  it('would catch a string that is not in the catalogue, in text, in an attribute or in a parameter', () => {
    const root = document.createElement('div')
    root.innerHTML = '<p>⟦Registered⟧ 1001</p><button aria-label="Close">⟦Hang up⟧</button><p>Call quality: ⟦Good⟧</p>'
      + '<p>⟦Sign-in failed: ⟧Wrong extension or password.⟦⟧</p><p>⟦Sign-in failed: ⟧⟦Wrong extension or password.⟧⟦⟧</p>'
    expect(rawStrings(root, [])).toEqual(['Close', 'Call quality: ⟦Good⟧', '⟦Sign-in failed: ⟧Wrong extension or password.⟦⟧'])
  })
})
