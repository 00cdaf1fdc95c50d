import { describe, expect, it } from 'vitest'
import { buildEngagementProperties, callTitle, notesToHtml, talkTimeMs } from '@/domain/engagement'
import type { EngagementInput } from '@/domain/engagement'

describe('notesToHtml', () => {
  it.each<[string, string, string]>([
    ['empty', '', ''],
    ['plain', 'Call back Tuesday', 'Call back Tuesday'],
    ['ampersand', 'Tom & Jerry', 'Tom &amp; Jerry'],
    ['tags', '<b>bold</b>', '&lt;b&gt;bold&lt;/b&gt;'],
    ['script', '<img src=x onerror="alert(1)">', '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'],
    ['single quote', 'It\'s fine', 'It&#39;s fine'],
    ['already-escaped text stays as typed', '&lt;', '&amp;lt;'],
    ['LF', 'one\ntwo', 'one<br>two'],
    ['CRLF', 'one\r\ntwo', 'one<br>two'],
    ['CR', 'one\rtwo', 'one<br>two'],
    ['blank line', 'one\n\ntwo', 'one<br><br>two'],
    ['trailing newline', 'one\n', 'one<br>'],
    ['unicode untouched', 'Zoë — 東京 😀', 'Zoë — 東京 😀'],
  ])('%s', (_name, text, html) => {
    expect(notesToHtml(text)).toBe(html)
  })

  it('never lets a raw < > " \' through, whatever the input', () => {
    const nasty = '<script>alert("x")</script>\n<a href=\'javascript:1\'>&</a>\r\n'
    const html = notesToHtml(nasty).replace(/<br>/g, '')
    expect(html).not.toMatch(/[<>"']/)
    expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/)
  })
})

const START = Date.UTC(2026, 0, 15, 9, 30, 0)

const base: EngagementInput = {
  callStartTime: START,
  answeredAt: START + 4_000,
  endedAt: START + 4_000 + 65_432,
  status: 'COMPLETED',
  outcomeId: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
  notes: 'Interested.\nSend <pricing> & terms',
  toNumber: '+442079460600',
  fromNumber: '1001',
  direction: 'OUTBOUND',
}

describe('buildEngagementProperties', () => {
  it('builds the full property set for an answered outbound call', () => {
    expect(buildEngagementProperties(base)).toEqual({
      hs_timestamp: START,
      hs_call_body: 'Interested.<br>Send &lt;pricing&gt; &amp; terms',
      hs_call_disposition: 'f240bbac-87c9-4f6e-bf70-924b57d47db7',
      hs_call_duration: '65432',
      hs_call_status: 'COMPLETED',
      hs_call_to_number: '+442079460600',
      hs_call_from_number: '1001',
      hs_call_direction: 'OUTBOUND',
      hs_call_title: 'Outbound call to +44 20 7946 0600',
    })
  })

  it.each<[string, Partial<EngagementInput>, string]>([
    ['never answered', { answeredAt: undefined }, '0'],
    ['answered and ended at once', { answeredAt: START + 10, endedAt: START + 10 }, '0'],
    ['clock went backwards', { answeredAt: START + 10_000, endedAt: START + 5_000 }, '0'],
    ['fractional ms are rounded', { answeredAt: START + 0.4, endedAt: START + 1_000.9 }, '1001'],
    ['an hour', { answeredAt: START, endedAt: START + 3_600_000 }, '3600000'],
  ])('duration: %s', (_name, patch, duration) => {
    expect(buildEngagementProperties({ ...base, ...patch }).hs_call_duration).toBe(duration)
  })

  it('uses the call start, not the answer time, as hs_timestamp', () => {
    expect(buildEngagementProperties({ ...base, answeredAt: START + 30_000 }).hs_timestamp).toBe(START)
  })

  it.each<[string | undefined]>([[undefined], [''], ['   ']])('leaves out hs_call_disposition when no outcome is chosen (%j)', (outcomeId) => {
    const properties = buildEngagementProperties({ ...base, outcomeId })
    expect(properties).not.toHaveProperty('hs_call_disposition')
  })

  it('passes a portal\'s own outcome id through', () => {
    expect(buildEngagementProperties({ ...base, outcomeId: 'custom-outcome-1' }).hs_call_disposition).toBe('custom-outcome-1')
  })

  it.each<[EngagementInput['status'], string]>([
    ['COMPLETED', 'COMPLETED'],
    ['BUSY', 'BUSY'],
    ['NO_ANSWER', 'NO_ANSWER'],
    ['CANCELED', 'CANCELED'],
    ['FAILED', 'FAILED'],
    ['REJECTED', 'BUSY'],
    ['MISSED', 'NO_ANSWER'],
  ])('hs_call_status for %s is %s', (status, hsStatus) => {
    expect(buildEngagementProperties({ ...base, status, answeredAt: undefined }).hs_call_status).toBe(hsStatus)
  })

  it('titles an inbound call by the caller', () => {
    const properties = buildEngagementProperties({ ...base, direction: 'INBOUND', fromNumber: '+14155550100', toNumber: '1001' })
    expect(properties.hs_call_title).toBe('Inbound call from +1 415 555 0100')
    expect(properties.hs_call_direction).toBe('INBOUND')
  })

  it('escapes the notes', () => {
    expect(buildEngagementProperties({ ...base, notes: '<script>' }).hs_call_body).toBe('&lt;script&gt;')
  })
})

describe('callTitle', () => {
  it.each<[EngagementInput['direction'], string, string, string]>([
    ['OUTBOUND', '+442079460600', '1001', 'Outbound call to +44 20 7946 0600'],
    ['OUTBOUND', '1002', '1001', 'Outbound call to 1002'],
    ['INBOUND', '1001', '+442079460600', 'Inbound call from +44 20 7946 0600'],
    ['INBOUND', '1001', '', 'Inbound call from an unknown number'],
    ['OUTBOUND', '  ', '1001', 'Outbound call to an unknown number'],
  ])('%s to %s from %s', (direction, to, from, title) => {
    expect(callTitle(direction, to, from)).toBe(title)
  })
})

describe('talkTimeMs', () => {
  it.each<[number | undefined, number, number]>([
    [undefined, START, 0],
    [START, START + 1, 1],
    [Number.NaN, START, 0],
    [START, Number.NaN, 0],
  ])('answered %s, ended %s → %s', (answeredAt, endedAt, ms) => {
    expect(talkTimeMs({ answeredAt, endedAt })).toBe(ms)
  })
})
