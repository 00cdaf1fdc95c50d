/** Types of bench/heapRetainers.mjs (who keeps objects alive, from a V8 heap snapshot). */

export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]], edge_fields: string[], edge_types: [string[], ...unknown[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

export function countsByName(snapshot: HeapSnapshot): Map<string, number>
export function retainerChains(snapshot: HeapSnapshot, name: string, options?: { limit?: number, depth?: number }): string[]
