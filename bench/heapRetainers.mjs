/**
 * Who keeps objects alive, from a V8 heap snapshot (DevTools `HeapProfiler.takeHeapSnapshot`):
 * for the objects of a given constructor name, the chain of retainers up to a GC root, each
 * step the retainer's name and the edge's name. Pure; `npm run bench` dev mode `--snapshot`
 * uses it to explain a heap that grows call after call.
 */

/** Counts per constructor name (`object` nodes; V8's closures and arrays under their own names). */
export function countsByName(snapshot) {
  const { nodes, strings } = snapshot
  const fields = snapshot.snapshot.meta.node_fields
  const width = fields.length
  const nameAt = fields.indexOf('name')
  const counts = new Map()
  for (let i = 0; i < nodes.length; i += width) {
    const name = strings[nodes[i + nameAt]]
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return counts
}

/**
 * Up to `limit` retainer chains (each up to `depth` steps) of the objects named `name`.
 * Weak edges and V8's own internal back-references are skipped.
 * @returns {string[]}
 */
export function retainerChains(snapshot, name, { limit = 3, depth = 12 } = {}) {
  const { nodes, edges, strings } = snapshot
  const meta = snapshot.snapshot.meta
  const nodeWidth = meta.node_fields.length
  const edgeWidth = meta.edge_fields.length
  const nodeTypes = meta.node_types[0]
  const edgeTypes = meta.edge_types[0]
  const at = (list, field) => list.indexOf(field)
  const nName = at(meta.node_fields, 'name')
  const nType = at(meta.node_fields, 'type')
  const nEdges = at(meta.node_fields, 'edge_count')
  const eType = at(meta.edge_fields, 'type')
  const eName = at(meta.edge_fields, 'name_or_index')
  const eTo = at(meta.edge_fields, 'to_node')
  // Reverse edges: for each node (by offset), who points at it and through which edge.
  const retainers = new Map()
  let edge = 0
  for (let node = 0; node < nodes.length; node += nodeWidth) {
    const count = nodes[node + nEdges]
    for (let k = 0; k < count; k++, edge += edgeWidth) {
      const type = edgeTypes[edges[edge + eType]]
      if (type === 'weak' || type === 'shortcut')
        continue
      const to = edges[edge + eTo]
      const label = type === 'element' || type === 'hidden' ? `[${edges[edge + eName]}]` : strings[edges[edge + eName]]
      const list = retainers.get(to) ?? []
      list.push({ from: node, label, type })
      retainers.set(to, list)
    }
  }
  const describe = node => `${nodeTypes[nodes[node + nType]]}:${strings[nodes[node + nName]]}`
  const chains = []
  for (let node = 0; node < nodes.length && chains.length < limit; node += nodeWidth) {
    if (strings[nodes[node + nName]] !== name || nodeTypes[nodes[node + nType]] !== 'object')
      continue
    const steps = [describe(node)]
    const seen = new Set([node])
    let current = node
    for (let d = 0; d < depth; d++) {
      const next = (retainers.get(current) ?? []).find(r => !seen.has(r.from) && r.type !== 'internal')
        ?? (retainers.get(current) ?? []).find(r => !seen.has(r.from))
      if (!next)
        break
      steps.push(`${next.label} ← ${describe(next.from)}`)
      seen.add(next.from)
      current = next.from
    }
    chains.push(steps.join('  '))
  }
  return chains
}
