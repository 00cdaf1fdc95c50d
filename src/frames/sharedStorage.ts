/**
 * Where the browser gives our frames no `localStorage` (third-party storage denied), the storage
 * has no `storage` event (cookies) or is not shared at all (memory): the frames then tell each other
 * every write over the frame channel, so two HubSpot tabs still follow one wrap-up draft, and a frame
 * that arrives asks the others for what they hold in memory. Storage with its own event is returned as is.
 */
import type { AppStorage } from '@/storage/types'
import type { FrameChannel } from './channel'

type Listener = (key: string, oldValue: string | null, newValue: string | null) => void

export function shareStorage(base: AppStorage, channel: FrameChannel): AppStorage {
  if (base.onChange)
    return base
  const listeners = new Set<Listener>()
  /** Keys written in this page (memory: what another frame may ask for). */
  const known = new Set<string>()
  const fire = (key: string, oldValue: string | null, newValue: string | null): void => {
    for (const listener of [...listeners])
      listener(key, oldValue, newValue)
  }
  const memory = base.persistence === 'memory'

  channel.on((message) => {
    if (message.type === 'storage-set') {
      if (memory) {
        if (message.value === null)
          base.removeItem(message.key)
        else
          base.setItem(message.key, message.value)
        known.add(message.key)
      }
      fire(message.key, message.old, message.value)
    }
    else if (message.type === 'storage-request' && memory) {
      const entries = [...known].flatMap((key): Array<[string, string]> => {
        const value = base.getItem(key)
        return value === null ? [] : [[key, value]]
      })
      if (entries.length > 0)
        channel.post({ type: 'storage-snapshot', to: message.from, entries })
    }
    else if (message.type === 'storage-snapshot' && memory) {
      for (const [key, value] of message.entries) {
        if (base.getItem(key) !== null)
          continue
        base.setItem(key, value)
        known.add(key)
        fire(key, null, value)
      }
    }
  })
  if (memory)
    channel.post({ type: 'storage-request' })

  function write(key: string, value: string | null): void {
    const old = base.getItem(key)
    if (value === null)
      base.removeItem(key)
    else
      base.setItem(key, value)
    known.add(key)
    if (old !== value)
      channel.post({ type: 'storage-set', key, value, old })
  }

  return {
    persistence: base.persistence,
    getItem: key => base.getItem(key),
    setItem: (key, value) => write(key, value),
    removeItem: key => write(key, null),
    isDurable: key => base.isDurable(key),
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
