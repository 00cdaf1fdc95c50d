/**
 * The storage the app gets (`Ports.storage`): `localStorage` when the browser lets HubSpot's iframe
 * have it, else partitioned cookies, else memory; see `Persistence`. A write the backend refuses
 * (quota, the cookie budget) never throws at the caller: the value is kept in memory for this page,
 * and `isDurable(key)` says it will not survive a reload, so the UI can tell the agent.
 */
import { partitionedCookieStorage } from './cookieStorage'
import type { AppStorage, KeyValueStorage, Persistence } from './types'

export type { AppStorage, KeyValueStorage, Persistence }

/** Plain in-memory storage: the last resort in the browser, and the tests' storage. */
export class MemoryStorage implements AppStorage {
  readonly items = new Map<string, string>()
  /** Tests may pretend the memory is durable (`'local'`) to play a reload with the same instance. */
  constructor(readonly persistence: Persistence = 'memory') {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }

  removeItem(key: string): void {
    this.items.delete(key)
  }

  isDurable(_key?: string): boolean {
    return this.persistence !== 'memory'
  }
}

/** A durable backend with a memory overlay for the values it refused. */
class DurableStorage implements AppStorage {
  private readonly overlay = new Map<string, string>()
  constructor(private readonly backend: KeyValueStorage, readonly persistence: Persistence) {}

  getItem(key: string): string | null {
    return this.overlay.get(key) ?? this.backend.getItem(key)
  }

  setItem(key: string, value: string): void {
    try {
      this.backend.setItem(key, value)
      this.overlay.delete(key)
    }
    catch {
      this.overlay.set(key, value)
    }
  }

  removeItem(key: string): void {
    this.overlay.delete(key)
    try {
      this.backend.removeItem(key)
    }
    catch {
      // Nothing more to do: a value we cannot remove is a value we could not have written.
    }
  }

  isDurable(key: string): boolean {
    return !this.overlay.has(key)
  }
}

/** `localStorage`, whose changes by other documents arrive as `storage` events. */
class LocalStorage extends DurableStorage {
  constructor(private readonly local: Storage, private readonly target: Window) {
    super(local, 'local')
  }

  onChange(listener: (key: string, oldValue: string | null, newValue: string | null) => void): () => void {
    const onStorage = (event: StorageEvent): void => {
      if (event.storageArea === this.local && event.key !== null)
        listener(event.key, event.oldValue, event.newValue)
    }
    this.target.addEventListener('storage', onStorage)
    return () => this.target.removeEventListener('storage', onStorage)
  }
}

export interface StorageBackends {
  local: () => Storage | null
  cookies: () => KeyValueStorage | null
  /** Where `storage` events arrive (default `window`). */
  target?: Window
}

const BROWSER_BACKENDS: StorageBackends = {
  local: () => window.localStorage,
  cookies: () => partitionedCookieStorage(),
}

/** The best storage this browser gives the page (checked by writing to it). */
export function browserStorage(backends: StorageBackends = BROWSER_BACKENDS): AppStorage {
  try {
    const local = backends.local()
    if (local) {
      const probe = 'softphone:probe'
      local.setItem(probe, '1')
      local.removeItem(probe)
      return new LocalStorage(local, backends.target ?? window)
    }
  }
  catch {
    // Denied (SecurityError) or full: try the next.
  }
  const cookies = backends.cookies()
  if (cookies)
    return new DurableStorage(cookies, 'cookie')
  return new MemoryStorage('memory')
}
