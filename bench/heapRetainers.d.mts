/** Types of bench/heapRetainers.mjs (who keeps objects alive, from a V8 heap snapshot). */

export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[], node_types: [string[], ...unknown[]], edge_fields: string[], edge_types: [string[], ...unknown[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

export function countsByName(snapshot: HeapSnapshot): Map<string, number>
export function retainerChains(snapshot: HeapSnapshot, name: string, options?: { limit?: number, depth?: number }): string[]
export function sizesByName(snapshot: HeapSnapshot): Map<string, { count: number, selfSize: number }>
export function rootPaths(snapshot: HeapSnapshot, name: string, options?: { limit?: number }): { count: number, path: string }[]
export function retainedByName(snapshot: HeapSnapshot): Map<string, { count: number, retained: number }>
export function dominators(snapshot: HeapSnapshot): { idom: Int32Array, retained: Float64Array, post: number[] }
export function sizesByType(snapshot: HeapSnapshot): Map<string, number>
