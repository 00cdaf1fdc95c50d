/**
 * The pure parts of the HubSpot host simulator (dev/host): where it loads the
 * widget from, and the DIAL_NUMBER payload it sends, checked against the
 * port's own validator so the simulator and the widget agree on the contract.
 */
import { describe, expect, it } from 'vitest'
import { TEST_CONTACTS, contactForNumber, dialNumberPayload } from '../../../dev/host/contacts'
import { widgetUrl } from '../../../dev/host/widgetUrl'
import { parseDialNumber } from '@/hubspot/parse'

describe('widgetUrl', () => {
  it.each<[string, string, string]>([
    ['127.0.0.1 → localhost', 'http://127.0.0.1:5173/dev/host/', 'http://localhost:5173/'],
    ['localhost → 127.0.0.1', 'http://localhost:5173/dev/host/index.html', 'http://127.0.0.1:5173/'],
    ['any other name → localhost', 'http://devbox:4173/dev/host/', 'http://localhost:4173/'],
    ['query passed through', 'http://127.0.0.1:5173/dev/host/?debug=1&ringTimeoutSeconds=20', 'http://localhost:5173/?debug=1&ringTimeoutSeconds=20'],
    ['explicit widget URL', 'http://127.0.0.1:5173/dev/host/?widget=https%3A%2F%2Fphone.example.com%2Fapp%2F&debug=1', 'https://phone.example.com/app/?debug=1'],
    ['explicit widget path on the other origin', 'http://127.0.0.1:5173/dev/host/?widget=/dev/host/fake-widget.html', 'http://localhost:5173/dev/host/fake-widget.html'],
    ['widget URL params win', 'http://localhost:5173/dev/host/?widget=http%3A%2F%2F127.0.0.1%3A5173%2F%3Fdebug%3D0&debug=1&x=2', 'http://127.0.0.1:5173/?debug=0&x=2'],
  ])('%s', (_label, host, expected) => {
    expect(widgetUrl(host).href).toBe(expected)
  })

  it('always yields a different origin than the host by default', () => {
    for (const host of ['http://127.0.0.1:5173/dev/host/', 'http://localhost:5173/dev/host/']) {
      expect(widgetUrl(host).origin).not.toBe(new URL(host).origin)
    }
  })
})

describe('dialNumberPayload', () => {
  it('has the seed doc fields for a test contact', () => {
    expect(dialNumberPayload('+44 20 7946 0600', 9001, 1_700_000_000_000)).toEqual({
      phoneNumber: '+44 20 7946 0600',
      ownerId: 8001,
      subjectId: 9001,
      objectId: 9001,
      objectType: 'CONTACT',
      portalId: 123456,
      countryCode: 'GB',
      calleeInfo: { calleeId: 9001, calleeObjectTypeId: '0-1' },
      startTimestamp: 1_700_000_000_000,
      toPhoneNumberSrc: 'phone',
    })
  })

  it.each(TEST_CONTACTS.map(c => [c.name, c] as const))('%s survives the port validator unchanged', (_name, contact) => {
    const payload = dialNumberPayload(contact.phoneNumber, contact.contactId, 1_700_000_000_000)
    expect(parseDialNumber(payload)).toEqual({ request: { ...payload, callee: { objectId: contact.contactId, objectType: 'CONTACT' } } })
  })

  it('has unique record ids and finds contacts by number', () => {
    expect(new Set(TEST_CONTACTS.map(c => c.contactId)).size).toBe(TEST_CONTACTS.length)
    expect(contactForNumber('1002')?.name).toBe('Agent 1002')
    expect(contactForNumber('+1 555')).toBeUndefined()
  })
})
