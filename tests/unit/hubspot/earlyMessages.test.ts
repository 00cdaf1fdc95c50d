import { afterEach, describe, expect, it } from 'vitest'
import { holdEarlyMessages, MAX_HELD_MESSAGES } from '@/hubspot/earlyMessages'

const seen: MessageEvent[] = []
const record = (event: MessageEvent): void => {
  seen.push(event)
}

afterEach(() => {
  window.removeEventListener('message', record)
  seen.length = 0
})

/** Our window as seen inside HubSpot's iframe: `parent` is HubSpot's window (a stand-in here). */
const hubspotWindow = { postMessage: () => {} } as unknown as Window
const asFramed = {
  parent: hubspotWindow,
  addEventListener: window.addEventListener.bind(window),
  removeEventListener: window.removeEventListener.bind(window),
  dispatchEvent: window.dispatchEvent.bind(window),
}

function post(data: unknown, origin = 'https://app.hubspot.com', source: MessageEventSource = hubspotWindow as unknown as MessageEventSource): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }))
}

describe('holdEarlyMessages', () => {
  it('keeps boot-time messages from listeners and replays them, in order, with their origin and source', () => {
    const release = holdEarlyMessages(asFramed)
    window.addEventListener('message', record)
    post({ type: 'SYNC', hostUrl: 'https://app.hubspot.com' })
    post({ type: 'DIAL_NUMBER' })
    expect(seen).toHaveLength(0)

    release(true)
    expect(seen.map(e => (e.data as { type: string }).type)).toEqual(['SYNC', 'DIAL_NUMBER'])
    expect(seen[0]?.origin).toBe('https://app.hubspot.com')
    expect(seen[0]?.source).toBe(hubspotWindow)
  })

  it('stops holding once released: later messages flow straight through', () => {
    const release = holdEarlyMessages(asFramed)
    window.addEventListener('message', record)
    release(true)
    post({ type: 'SYNC' })
    expect(seen).toHaveLength(1)
  })

  it('drops what it held when told not to replay (e.g. an embedding that is not allowed)', () => {
    const release = holdEarlyMessages(asFramed)
    window.addEventListener('message', record)
    post({ type: 'SYNC' })
    release(false)
    expect(seen).toHaveLength(0)
    release(true)
    expect(seen).toHaveLength(0)
  })

  it('holds only the parent\'s messages: another window cannot fill the buffer', () => {
    const release = holdEarlyMessages(asFramed)
    window.addEventListener('message', record)
    post({ type: 'SYNC', from: 'a sibling' }, 'https://app.hubspot.com', window)
    expect(seen).toHaveLength(1)
    post({ type: 'SYNC', from: 'HubSpot' })
    expect(seen).toHaveLength(1)
    release(true)
    expect(seen.map(e => (e.data as { from: string }).from)).toEqual(['a sibling', 'HubSpot'])
  })

  it('holds a bounded number of messages', () => {
    const release = holdEarlyMessages(asFramed)
    window.addEventListener('message', record)
    for (let i = 0; i < MAX_HELD_MESSAGES + 10; i++)
      post({ type: 'SYNC', i })
    release(true)
    expect(seen).toHaveLength(MAX_HELD_MESSAGES)
  })
})
