import { describe, expect, it, vi } from 'vitest'
import { browserNotifier, isCrossOriginFrame } from '@/notifications/desktopNotifier'

/** A fake of the Notifications API: what the page is allowed, what the prompt answers, what was shown. */
function fakeNotificationApi(permission: NotificationPermission, answer: NotificationPermission = 'granted') {
  const shown: FakeNotification[] = []
  class FakeNotification {
    static permission = permission
    static requestPermission = vi.fn(async () => {
      FakeNotification.permission = answer
      return answer
    })

    onclick: (() => void) | null = null
    closed = false
    constructor(readonly title: string, readonly options: NotificationOptions) {
      shown.push(this)
    }

    close(): void {
      this.closed = true
    }
  }
  return { FakeNotification, shown }
}

function fakeWindow(api: unknown, frame: 'top' | 'cross-origin' | 'same-origin' = 'top') {
  const win: Record<string, unknown> = { Notification: api, isSecureContext: true, focus: vi.fn(), location: { origin: 'https://softphone.example' } }
  win.top = frame === 'top'
    ? win
    : frame === 'same-origin'
      ? { location: { origin: 'https://softphone.example' } }
      : { get location(): never { throw new DOMException('Blocked a frame', 'SecurityError') } }
  return win as unknown as Window & { focus: ReturnType<typeof vi.fn> }
}

describe('browserNotifier', () => {
  it('top-level: asks on request and shows a notification whose click focuses the window', async () => {
    const { FakeNotification, shown } = fakeNotificationApi('default')
    const win = fakeWindow(FakeNotification)
    const notifier = browserNotifier(win)
    expect(notifier.access()).toBe('default')
    expect(notifier.show('x', { body: '', tag: 't', onClick: () => {} })).toBeNull()
    expect(await notifier.request()).toBe('granted')
    const onClick = vi.fn()
    const notice = notifier.show('Incoming call: Ada', { body: '+44 20 7946 0700', tag: 'call-1', onClick })
    expect(shown.map(n => [n.title, n.options.body, n.options.tag, n.options.requireInteraction])).toEqual([['Incoming call: Ada', '+44 20 7946 0700', 'call-1', true]])
    shown[0]!.onclick!()
    expect(win.focus).toHaveBeenCalled()
    expect(onClick).toHaveBeenCalled()
    expect(shown[0]!.closed).toBe(true)
    notice!.close()
  })

  it('in a cross-origin iframe (HubSpot\'s): never asks, says it is blocked there', async () => {
    const { FakeNotification } = fakeNotificationApi('denied')
    const notifier = browserNotifier(fakeWindow(FakeNotification, 'cross-origin'))
    expect(notifier.access()).toBe('blocked-in-frame')
    expect(await notifier.request()).toBe('blocked-in-frame')
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled()
  })

  it('in a cross-origin iframe whose top-level site was allowed notifications: they work', () => {
    const { FakeNotification, shown } = fakeNotificationApi('granted')
    const notifier = browserNotifier(fakeWindow(FakeNotification, 'cross-origin'))
    expect(notifier.access()).toBe('granted')
    expect(notifier.show('t', { body: '', tag: 'x', onClick: () => {} })).not.toBeNull()
    expect(shown).toHaveLength(1)
  })

  it('denied top-level stays denied; no API, or no secure context, is unsupported', async () => {
    const { FakeNotification } = fakeNotificationApi('denied')
    expect(browserNotifier(fakeWindow(FakeNotification)).access()).toBe('denied')
    expect(browserNotifier(fakeWindow(undefined)).access()).toBe('unsupported')
    const insecure = fakeWindow(fakeNotificationApi('default').FakeNotification)
    ;(insecure as unknown as { isSecureContext: boolean }).isSecureContext = false
    expect(browserNotifier(insecure).access()).toBe('unsupported')
  })

  it('tells a cross-origin frame from a same-origin one and from the top', () => {
    expect(isCrossOriginFrame(fakeWindow(undefined, 'top'))).toBe(false)
    expect(isCrossOriginFrame(fakeWindow(undefined, 'same-origin'))).toBe(false)
    expect(isCrossOriginFrame(fakeWindow(undefined, 'cross-origin'))).toBe(true)
  })
})
