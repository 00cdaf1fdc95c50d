// @vitest-environment node
/**
 * The bench's heap-snapshot reader (bench/heapRetainers.mjs): counts by constructor and the
 * chain of retainers that keeps an object alive, weak edges skipped.
 */
import { describe, expect, it } from 'vitest'
import type { HeapSnapshot } from '../../../bench/heapRetainers.mjs'
import { countsByName, retainedByName, retainerChains, rootPaths, sizesByName, sizesByType } from '../../../bench/heapRetainers.mjs'

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

/**
 * With sizes: 0 (GC roots) → 1 Window (10 B) → 2 Array (20 B) → [0] 3 MediaStream, [1] 6 MediaStream
 * (30 B each), both → 5 MediaStreamTrack (40 B, shared, so the Array dominates it); (GC roots) → 4
 * WeakRef (5 B) → weakly 7 MediaStream (30 B, so unreachable). Node offsets are index × 5.
 */
const sized: HeapSnapshot = {
  snapshot: {
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
      node_types: [['hidden', 'object', 'synthetic']],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [['property', 'element', 'weak', 'internal', 'hidden', 'shortcut']],
    },
  },
  nodes: [
    2, 0, 1, 0, 2,
    1, 1, 3, 10, 1,
    1, 2, 5, 20, 2,
    1, 3, 7, 30, 1,
    1, 4, 9, 5, 1,
    1, 7, 11, 40, 0,
    1, 3, 13, 30, 1,
    1, 3, 15, 30, 0,
  ],
  edges: [
    0, 1, 5, // (GC roots) -Window-> Window
    0, 9, 20, // (GC roots) -ref-> WeakRef
    0, 5, 10, // Window -calls-> Array
    1, 0, 15, // Array [0] -> MediaStream
    1, 1, 30, // Array [1] -> MediaStream
    0, 8, 25, // MediaStream -track-> MediaStreamTrack
    2, 6, 35, // WeakRef -target (weak)-> MediaStream
    0, 8, 25, // MediaStream -track-> MediaStreamTrack
  ],
  strings: [...strings, 'MediaStreamTrack', 'track', 'ref'],
}

describe('sizes', () => {
  it('sums self sizes by name and by node type', () => {
    expect(sizesByName(sized).get('MediaStream')).toEqual({ count: 3, selfSize: 90 })
    expect(sizesByType(sized)).toEqual(new Map([['synthetic', 0], ['object', 165]]))
  })

  it('counts what each object alone keeps alive, shared objects with their common holder, nothing twice', () => {
    const retained = retainedByName(sized)
    expect(retained.get('MediaStream')).toEqual({ count: 2, retained: 60 })
    expect(retained.get('MediaStreamTrack')).toEqual({ count: 1, retained: 40 })
    expect(retained.get('Array')).toEqual({ count: 1, retained: 120 })
    expect(retained.get('Window')).toEqual({ count: 1, retained: 130 })
  })
})

describe('rootPaths', () => {
  it('groups objects held the same way, whatever their slot, and names the unreachable ones', () => {
    expect(rootPaths(sized, 'MediaStream')).toEqual([
      { count: 2, path: 'synthetic:(GC roots) -Window-> Window -calls-> Array -[]-> MediaStream' },
      { count: 1, path: '(unreachable) MediaStream' },
    ])
  })
})
