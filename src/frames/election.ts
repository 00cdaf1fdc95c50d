/**
 * Which of our frames owns the phone (the one SIP user agent, registration, microphone and peer
 * connection of the agent). Two implementations of one interface:
 * - `webLocksElection`: the browser's Web Locks API (`navigator.locks`): the holder of one exclusive
 *   lock owns the phone; when its frame goes away the browser grants the lock to the next frame
 *   waiting, at once. The calling window takes it with `steal` once the owner said it is idle.
 * - `leaseElection`: where the browser denies Web Locks to our third-party frames (third-party
 *   cookies blocked and storage partitioning off: `navigator.locks` throws SecurityError), a lease
 *   over the frame channel: the owner repeats `lease` every LEASE_INTERVAL_MS; a frame that heard
 *   none for LEASE_TIMEOUT_MS (or heard the owner's `bye`) claims, and the best claim (calling
 *   window first, then the lowest frame id) wins after CLAIM_WAIT_MS.
 */
import type { FrameChannel } from './channel'

export interface OwnerElection {
  readonly isOwner: boolean
  /** Called on every change of ownership of this frame. */
  onChange: (handler: (isOwner: boolean) => void) => () => void
  /** Take the phone now, from whoever holds it (the calling window, once the owner handed over). */
  take: () => void
  /** Give the phone up; this frame waits for it again. */
  release: () => void
  dispose: () => void
}

function changes() {
  const handlers = new Set<(isOwner: boolean) => void>()
  return {
    on(handler: (isOwner: boolean) => void) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    emit(isOwner: boolean) {
      for (const handler of [...handlers])
        handler(isOwner)
    },
  }
}

/** Whether Web Locks work for this frame (they throw SecurityError where the browser denies storage). */
export async function webLocksUsable(locks: LockManager | undefined = globalThis.navigator?.locks): Promise<boolean> {
  if (!locks)
    return false
  try {
    await locks.query()
    return true
  }
  catch {
    return false
  }
}

export function webLocksElection(locks: LockManager, name: string): OwnerElection {
  const change = changes()
  let isOwner = false
  let held: (() => void) | null = null
  let waiting: AbortController | null = null
  let disposed = false
  /** A take() under way (a second one would steal the lock from the first). */
  let stealing = false

  function set(value: boolean): void {
    if (isOwner === value)
      return
    isOwner = value
    change.emit(value)
  }

  function request(steal: boolean): void {
    if (disposed)
      return
    const controller = new AbortController()
    waiting = steal ? null : controller
    const options: LockOptions = steal ? { steal: true } : { signal: controller.signal }
    let granted = false
    locks.request(name, options, () => new Promise<void>((resolve) => {
      granted = true
      stealing = false
      waiting = null
      held = resolve
      set(true)
    })).then(() => {
      // Released by us (release/dispose).
    }, () => {
      // Aborted while waiting (take/dispose), or stolen from us by the calling window.
      if (!granted)
        return
      held = null
      set(false)
      request(false)
    })
  }

  request(false)
  return {
    get isOwner() {
      return isOwner
    },
    onChange: change.on,
    take() {
      if (isOwner || stealing)
        return
      stealing = true
      waiting?.abort()
      request(true)
    },
    release() {
      if (!held)
        return
      const release = held
      held = null
      set(false)
      release()
      request(false)
    },
    dispose() {
      disposed = true
      waiting?.abort()
      held?.()
      held = null
      isOwner = false
    },
  }
}

export const LEASE_INTERVAL_MS = 1000
export const LEASE_TIMEOUT_MS = 2500
export const CLAIM_WAIT_MS = 300

interface Timers {
  setInterval: (fn: () => void, ms: number) => unknown
  clearInterval: (id: never) => void
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (id: never) => void
  now: () => number
}

const realTimers: Timers = {
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: id => globalThis.clearInterval(id),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: id => globalThis.clearTimeout(id),
  now: () => Date.now(),
}

/** `priority`: 2 for the calling window, 1 otherwise (read when claiming, so it may change after SYNC). */
export function leaseElection(channel: FrameChannel, priority: () => number, timers: Timers = realTimers): OwnerElection {
  const change = changes()
  let isOwner = false
  let lastLease = -Infinity
  let claiming: { timer: unknown } | null = null
  let yielded = false

  const better = (p: number, id: string): boolean => p > priority() || (p === priority() && id < channel.frameId)

  function set(value: boolean): void {
    if (isOwner === value)
      return
    isOwner = value
    change.emit(value)
  }
  function stopClaim(): void {
    if (claiming)
      timers.clearTimeout(claiming.timer as never)
    claiming = null
  }
  function claim(): void {
    if (isOwner || claiming)
      return
    channel.post({ type: 'claim', priority: priority() })
    claiming = {
      timer: timers.setTimeout(() => {
        claiming = null
        set(true)
        channel.post({ type: 'lease', priority: priority() })
      }, CLAIM_WAIT_MS),
    }
  }

  const off = channel.on((message) => {
    if (message.type === 'lease') {
      lastLease = timers.now()
      stopClaim()
      if (isOwner && better(message.priority, message.from))
        set(false)
    }
    else if (message.type === 'claim') {
      if (isOwner)
        channel.post({ type: 'lease', priority: priority() })
      else if (claiming && better(message.priority, message.from))
        stopClaim()
    }
    else if (message.type === 'bye' && !isOwner) {
      lastLease = -Infinity
    }
  })
  const ticker = timers.setInterval(() => {
    if (isOwner)
      channel.post({ type: 'lease', priority: priority() })
    else if (!yielded && timers.now() - lastLease > LEASE_TIMEOUT_MS)
      claim()
    yielded = false
  }, LEASE_INTERVAL_MS / 2)

  return {
    get isOwner() {
      return isOwner
    },
    onChange: change.on,
    take() {
      stopClaim()
      set(true)
      channel.post({ type: 'lease', priority: priority() })
    },
    release() {
      // Skip one round before claiming again, so the frame taking over is heard first.
      yielded = true
      lastLease = timers.now()
      set(false)
    },
    dispose() {
      off()
      stopClaim()
      timers.clearInterval(ticker as never)
      isOwner = false
    },
  }
}
