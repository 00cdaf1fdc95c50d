/**
 * One HubSpot backend for every simulator page (tabs and the calling window): engagement ids are
 * unique across pages, and an engagement created by one page can be updated from another, as in
 * HubSpot. Kept in the host origin's localStorage; the id is taken under a Web Lock so two pages
 * creating engagements at the same moment never get the same one.
 */
import { nextEngagementId, parseEngagements, serializeEngagements } from './layout'

const COUNTER_KEY = 'host-simulator:next-engagement-id'
const ENGAGEMENTS_KEY = 'host-simulator:engagements'
const LOCK_NAME = 'host-simulator:engagements'

export interface Backend {
  /** Creates an engagement for the call; resolves to its id. */
  createEngagement: (externalCallId: string) => Promise<number>
  /** Whether HubSpot knows this engagement (created by any page of this browser profile). */
  has: (engagementId: number) => boolean
}

export function createBackend(): Backend {
  // A browser that blocks all site data: this page keeps its own engagements (ids may then repeat across pages).
  const memory = { counter: null as string | null, engagements: new Map<number, string>() }
  const get = (key: string): string | null => {
    try {
      return localStorage.getItem(key)
    } catch {
      return key === COUNTER_KEY ? memory.counter : serializeEngagements(memory.engagements)
    }
  }
  const set = (key: string, value: string): void => {
    try {
      localStorage.setItem(key, value)
    } catch {
      if (key === COUNTER_KEY) memory.counter = value
      else memory.engagements = parseEngagements(value)
    }
  }
  const create = (externalCallId: string): number => {
    const engagements = parseEngagements(get(ENGAGEMENTS_KEY))
    const id = nextEngagementId(get(COUNTER_KEY), engagements)
    engagements.set(id, externalCallId)
    set(COUNTER_KEY, String(id + 1))
    set(ENGAGEMENTS_KEY, serializeEngagements(engagements))
    return id
  }
  return {
    createEngagement: async (externalCallId) => {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks
      if (locks) {
        try {
          return await locks.request(LOCK_NAME, () => create(externalCallId))
        } catch {
          // Denied (SecurityError) where the browser blocks all site data: no lock, no shared storage either.
        }
      }
      return create(externalCallId)
    },
    has: engagementId => parseEngagements(get(ENGAGEMENTS_KEY)).has(engagementId),
  }
}
