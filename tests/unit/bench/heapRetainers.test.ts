// @vitest-environment node
/**
 * The bench's heap-snapshot reader (bench/heapRetainers.mjs): counts by constructor and the
 * chain of retainers that keeps an object alive, weak edges skipped.
 */
import { describe, expect, it } from 'vitest'
import type { HeapSnapshot } from '../../../bench/heapRetainers.mjs'
import { countsByName, retainerChains } from '../../../bench/heapRetainers.mjs'

/**
 * Nodes (type, name, edge_count): 0 synthetic (GC roots) → 1 Window (property "calls") → 2 Array
 * (element 0) → 3 MediaStream; 4 WeakRef → 5 MediaStream (weak only). Node offsets are index × 3.
 */
const strings = ['(GC roots)', 'Window', 'Array', 'MediaStream', 'WeakRef', 'calls', 'target']
const snapshot: HeapSnapshot = {
  snapshot: {
    meta: {
      node_fields: ['type', 'name', 'edge_count'],
      node_types: [['hidden', 'object', 'synthetic']],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [['property', 'element', 'weak', 'internal', 'hidden', 'shortcut']],
    },
  },
  nodes: [
    2, 0, 1,
    1, 1, 1,
    1, 2, 1,
    1, 3, 0,
    1, 4, 1,
    1, 3, 0,
  ],
  edges: [
    0, 1, 3, // (GC roots) -calls-> Window (strings[1] as name: any)
    0, 5, 6, // Window -calls-> Array
    1, 0, 9, // Array [0] -> MediaStream
    2, 6, 15, // WeakRef -target (weak)-> MediaStream
  ],
  strings,
}

describe('countsByName', () => {
  it('counts nodes by name', () => {
    const counts = countsByName(snapshot)
    expect(counts.get('MediaStream')).toBe(2)
    expect(counts.get('Window')).toBe(1)
  })
})

describe('retainerChains', () => {
  it('walks from each object to what holds it, and shows nothing behind a weak reference', () => {
    expect(retainerChains(snapshot, 'MediaStream')).toEqual([
      'object:MediaStream  [0] ← object:Array  calls ← object:Window  Window ← synthetic:(GC roots)',
      'object:MediaStream',
    ])
  })

  it('stops at the limit', () => {
    expect(retainerChains(snapshot, 'MediaStream', { limit: 1 })).toHaveLength(1)
  })
})
