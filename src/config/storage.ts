/**
 * Storage for what must survive a reload (the wrap-up draft, the remembered
 * extension). A browser that blocks third-party storage throws on any access to
 * `localStorage` inside HubSpot's iframe; then we keep things in memory and say
 * so, rather than fail to start.
 */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }

  removeItem(key: string): void {
    this.items.delete(key)
  }
}

export function browserStorage(getLocal: () => Storage = () => window.localStorage): { storage: KeyValueStorage, persistent: boolean } {
  try {
    const local = getLocal()
    const probe = 'softphone:probe'
    local.setItem(probe, '1')
    local.removeItem(probe)
    return { storage: local, persistent: true }
  }
  catch {
    return { storage: new MemoryStorage(), persistent: false }
  }
}
