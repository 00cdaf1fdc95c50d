/**
 * What the softphone keeps across a reload (the wrap-up draft, the remembered
 * extension, the chosen audio devices) goes through one small key/value port.
 */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * Where values end up, best first:
 * - `local`: `localStorage` (Chrome partitions it per top-level site, so every HubSpot tab shares it);
 * - `cookie`: partitioned cookies (CHIPS), for browsers that deny the cross-site iframe all storage but
 *   accept partitioned cookies (third-party cookies blocked with storage partitioning off: enterprise
 *   policies, strict privacy settings); about 10 KB in all;
 * - `memory`: nothing survives a reload.
 */
export type Persistence = 'local' | 'cookie' | 'memory'

export interface AppStorage extends KeyValueStorage {
  readonly persistence: Persistence
  /**
   * Whether the value last written under `key` will survive a reload: false on `memory`, and when the
   * browser refused the write (quota, the partitioned-cookie budget), in which case the value is kept in
   * memory for this page only and the last value that was stored stays what a reload finds.
   */
  isDurable: (key: string) => boolean
  /**
   * Calls `listener` when another document of this origin and partition (another HubSpot tab's frame)
   * changed a key (the `storage` event); `newValue` null when it was removed. Returns the unsubscribe.
   * Absent where the storage has no such event (cookies, memory).
   */
  onChange?: (listener: (key: string, oldValue: string | null, newValue: string | null) => void) => () => void
}
