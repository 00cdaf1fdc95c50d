/**
 * Our frames tell each other every write over the frame channel, so every HubSpot tab follows one
 * wrap-up draft at once, whatever the storage: `localStorage`'s own `storage` event reaches other
 * renderers late and out of order with the frames' call events (a stale event could undo what the
 * agent typed), cookies have no event, and memory is not shared at all — for memory, a frame that
 * arrives also asks the others for what they hold.
 */
import type { AppStorage } from '@/storage/types'
import type { FrameChannel } from './channel'

type Listener = (key: string, oldValue: string | null, newValue: string | null) => void

export function shareStorage(base: AppStorage, channel: FrameChannel): AppStorage {
  const listeners = new Set<Listener>()
  /** Keys written in this page (memory: what another frame may ask for). */
  const known = new Set<string>()
  /**
   * The value of each key as this frame last wrote or heard it on the channel: what a frame writes
   * back after hearing it is not told again (another renderer's localStorage can still show an older
   * value for a moment; echoing by that would send the others a stale value and undo the typing).
   */
  const lastTold = new Map<string, string | null>()
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
      lastTold.set(message.key, message.value)
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
    const told = lastTold.has(key) ? lastTold.get(key) : old
    if (told !== value) {
      lastTold.set(key, value)
      channel.post({ type: 'storage-set', key, value, old })
    }
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
