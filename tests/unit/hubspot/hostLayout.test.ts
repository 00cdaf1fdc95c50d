/**
 * The host simulator's pure rules for HubSpot's frames (dev/host/layout.ts, dev/host/hostChannel.ts):
 * which frame a page hosts under HubSpot's three calling settings, where a dial goes, what the
 * contract checker flags, how a refused inbound call is explained, and the shared engagement ids.
 */
import { describe, expect, it } from 'vitest'
import { anotherTabUrl, callingWindowUrl, parseHostChannelMessage } from '../../../dev/host/hostChannel'
import {
  DEFAULT_SETTINGS, FIRST_ENGAGEMENT_ID, MAX_ENGAGEMENTS, effectiveSettings, frameLayout, frameRuleNote, nextEngagementId,
  parseEngagements, parseFlag, parseStoredSettings, refusalReason, routeDial, serializeEngagements, dialTarget,
  type CallingSettings,
} from '../../../dev/host/layout'
import { widgetUrl } from '../../../dev/host/widgetUrl'

const q = (query: string): URLSearchParams => new URLSearchParams(query)
const all = (value: boolean): CallingSettings => ({ supportsInboundCalling: value, usesRemote: value, usesCallingWindow: value })

describe('calling settings', () => {
  it('default to remote + calling window with inbound calling', () => {
    expect(DEFAULT_SETTINGS).toEqual(all(true))
    expect(parseStoredSettings(null)).toEqual(all(true))
  })

  it.each<[string, string | null, CallingSettings]>([
    ['corrupt JSON', '{not json', all(true)],
    ['not an object', '7', all(true)],
    ['partial', '{"usesRemote":false}', { ...all(true), usesRemote: false }],
    ['wrong types ignored', '{"usesRemote":"no","usesCallingWindow":false}', { ...all(true), usesCallingWindow: false }],
  ])('stored: %s', (_label, raw, expected) => {
    expect(parseStoredSettings(raw)).toEqual(expected)
  })

  it('query overrides win over the stored switches, and are named', () => {
    expect(effectiveSettings(all(true), q('usesRemote=0&usesCallingWindow=false&supportsInboundCalling=maybe'))).toEqual({
      settings: { supportsInboundCalling: true, usesRemote: false, usesCallingWindow: false },
      overridden: ['usesRemote', 'usesCallingWindow'],
    })
    expect(effectiveSettings(all(false), q('usesRemote=1')).settings.usesRemote).toBe(true)
  })

  it.each<[string | null, boolean | undefined]>([['1', true], ['true', true], ['0', false], ['false', false], ['yes', undefined], [null, undefined]])(
    'flag %s → %s', (value, expected) => {
      expect(parseFlag(value)).toBe(expected)
    })
})

describe('frameLayout', () => {
  it('a tab hosts the calling remote when usesRemote, telling it usesCallingWindow', () => {
    expect(frameLayout(all(true), q(''))).toEqual({ page: 'tab', iframeLocation: 'remote', usesCallingWindow: true, pinned: false, usesWindow: true })
    expect(frameLayout({ ...all(true), usesCallingWindow: false }, q(''))).toMatchObject({ iframeLocation: 'remote', usesCallingWindow: false, usesWindow: false })
  })

  it('a tab hosts the record-page widget without usesRemote', () => {
    expect(frameLayout(all(false), q(''))).toMatchObject({ page: 'tab', iframeLocation: 'widget', usesCallingWindow: false, usesWindow: false })
    // The calling window goes with the remote.
    expect(frameLayout({ ...all(true), usesRemote: false }, q(''))).toMatchObject({ iframeLocation: 'widget', usesCallingWindow: false, usesWindow: false })
  })

  it('the calling window hosts `window` with usesCallingWindow true, whatever the switches', () => {
    expect(frameLayout(all(false), q('frame=window'))).toEqual({ page: 'window', iframeLocation: 'window', usesCallingWindow: true, pinned: false, usesWindow: true })
  })

  it.each(['widget', 'remote', 'window'] as const)('?iframeLocation=%s pins a stand-alone page, as before', (location) => {
    expect(frameLayout(all(true), q(`iframeLocation=${location}&frame=window`))).toEqual({
      page: 'tab', iframeLocation: location, usesCallingWindow: location === 'window', pinned: true, usesWindow: false,
    })
  })

  it('an unknown ?iframeLocation= is ignored', () => {
    expect(frameLayout(all(true), q('iframeLocation=sidebar')).pinned).toBe(false)
  })
})

describe('where a dial goes', () => {
  const tab = frameLayout(all(true), q(''))
  it('defaults to the tab\'s own frame; ?dialTo=window hands it to the calling window', () => {
    expect(dialTarget(q(''))).toBe('tab')
    expect(dialTarget(q('dialTo=window'))).toBe('window')
    expect(routeDial(tab, 'tab')).toBe('tab')
    expect(routeDial(tab, 'window')).toBe('window')
  })
  it('stays in the page without a calling window, in a pinned page, and in the window itself', () => {
    expect(routeDial(frameLayout({ ...all(true), usesCallingWindow: false }, q('')), 'window')).toBe('tab')
    expect(routeDial(frameLayout(all(true), q('iframeLocation=remote')), 'window')).toBe('tab')
    expect(routeDial(frameLayout(all(true), q('frame=window')), 'window')).toBe('tab')
  })
})

describe('frameRuleNote', () => {
  const remote = frameLayout(all(true), q(''))
  const remoteNoWindow = frameLayout({ ...all(true), usesCallingWindow: false }, q(''))
  const win = frameLayout(all(true), q('frame=window'))

  it('flags call messages from a remote while a calling window is open', () => {
    for (const type of ['OUTGOING_CALL_STARTED', 'INCOMING_CALL', 'CALL_ANSWERED', 'CALL_ENDED', 'CALL_COMPLETED', 'CALL_TRANSFERRED'])
      expect(frameRuleNote(type, remote, all(true), true)).toMatch(/calling window is open/)
  })
  it('accepts them from the remote with no window open, from a remote without usesCallingWindow, and from the window', () => {
    expect(frameRuleNote('OUTGOING_CALL_STARTED', remote, all(true), false)).toBeUndefined()
    expect(frameRuleNote('OUTGOING_CALL_STARTED', remoteNoWindow, all(true), true)).toBeUndefined()
    expect(frameRuleNote('CALL_COMPLETED', win, all(true), true)).toBeUndefined()
  })
  it('does not flag sign-in, availability or size messages from a remote', () => {
    for (const type of ['INITIALIZED', 'LOGGED_IN', 'USER_AVAILABLE', 'RESIZE_WIDGET'])
      expect(frameRuleNote(type, remote, all(true), true)).toBeUndefined()
  })
  it('flags INCOMING_CALL from the widget, or from an app without supportsInboundCalling', () => {
    expect(frameRuleNote('INCOMING_CALL', frameLayout(all(false), q('')), all(false), false)).toMatch(/iframeLocation "widget"/)
    expect(frameRuleNote('INCOMING_CALL', remoteNoWindow, { ...all(true), supportsInboundCalling: false }, false)).toMatch(/supportsInboundCalling: false/)
  })
})

describe('refusalReason', () => {
  it('tells a 480 from the record-page widget from the agent\'s Do not disturb', () => {
    expect(refusalReason(480, { iframeLocation: 'widget', agentUnavailable: false })).toMatch(/record-page widget.*no inbound calls/)
    expect(refusalReason(480, { iframeLocation: 'remote', agentUnavailable: true })).toMatch(/Do not disturb/)
    expect(refusalReason(480, { iframeLocation: 'remote', agentUnavailable: false })).not.toMatch(/Do not disturb \(this frame/)
  })
  it('names busy and declined; says nothing of an answered call', () => {
    expect(refusalReason(486, { iframeLocation: 'remote', agentUnavailable: false })).toMatch(/another call/)
    expect(refusalReason(603, { iframeLocation: 'window', agentUnavailable: false })).toMatch(/declined/)
    expect(refusalReason(403, { iframeLocation: 'remote', agentUnavailable: false })).toMatch(/declined.*603.*403/)
    expect(refusalReason(200, { iframeLocation: 'remote', agentUnavailable: false })).toBeUndefined()
    expect(refusalReason(undefined, { iframeLocation: 'remote', agentUnavailable: false })).toBeUndefined()
  })
})

describe('one HubSpot backend', () => {
  it('starts at the first id and continues after the counter and every known engagement', () => {
    expect(nextEngagementId(null, new Map())).toBe(FIRST_ENGAGEMENT_ID)
    expect(nextEngagementId('5000007', new Map())).toBe(5_000_007)
    expect(nextEngagementId('5000002', new Map([[5_000_009, 'x']]))).toBe(5_000_010)
    expect(nextEngagementId('garbage', new Map())).toBe(FIRST_ENGAGEMENT_ID)
    expect(nextEngagementId('12', new Map())).toBe(FIRST_ENGAGEMENT_ID)
  })
  it('round-trips engagements, skipping corrupt entries, keeping the newest', () => {
    expect(parseEngagements('[[5000001,"a@x"],["5000002","b"],[1.5,"c"],[5000003,7]]')).toEqual(new Map([[5_000_001, 'a@x']]))
    expect(parseEngagements('{')).toEqual(new Map())
    const many = new Map(Array.from({ length: MAX_ENGAGEMENTS + 3 }, (_, i) => [FIRST_ENGAGEMENT_ID + i, `c${i}`] as const))
    const kept = parseEngagements(serializeEngagements(many))
    expect(kept.size).toBe(MAX_ENGAGEMENTS)
    expect(kept.has(FIRST_ENGAGEMENT_ID)).toBe(false)
    expect(kept.has(FIRST_ENGAGEMENT_ID + MAX_ENGAGEMENTS + 2)).toBe(true)
  })
})

describe('the host channel', () => {
  it.each<[unknown, unknown]>([
    [{ kind: 'window-hello', synced: true }, { kind: 'window-hello', synced: true }],
    [{ kind: 'window-hello' }, undefined],
    [{ kind: 'dial', phoneNumber: '+1 415 555 0123', extra: 1 }, { kind: 'dial', phoneNumber: '+1 415 555 0123' }],
    [{ kind: 'dial', phoneNumber: '' }, undefined],
    [{ kind: 'who-is-window' }, { kind: 'who-is-window' }],
    [{ kind: 'window-bye' }, { kind: 'window-bye' }],
    [{ kind: 'close-window' }, { kind: 'close-window' }],
    [{ kind: 'take-over' }, undefined],
    ['dial', undefined],
    [null, undefined],
  ])('parses %j', (data, expected) => {
    expect(parseHostChannelMessage(data)).toEqual(expected)
  })

  it('opens the calling window and other tabs with the page\'s query, minus what is one page\'s own', () => {
    expect(callingWindowUrl('http://127.0.0.1:5173/dev/host/?iframeLocation=remote&holdSync=1&dialTo=window&pbxUrl=ws%3A%2F%2Fx'))
      .toBe('http://127.0.0.1:5173/dev/host/?dialTo=window&pbxUrl=ws%3A%2F%2Fx&frame=window')
    expect(anotherTabUrl('http://127.0.0.1:5173/dev/host/?frame=window&usesRemote=0&holdSync=1')).toBe('http://127.0.0.1:5173/dev/host/?usesRemote=0')
  })

  it('never passes the simulator\'s own parameters to the widget', () => {
    expect(widgetUrl('http://127.0.0.1:5173/dev/host/?frame=window&dialTo=window&usesRemote=0&usesCallingWindow=1&supportsInboundCalling=0&debug=1').href)
      .toBe('http://localhost:5173/?debug=1')
  })
})
