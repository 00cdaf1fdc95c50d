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
 * A heap snapshot's flat arrays with what reading them needs: each record's width, where each field
 * sits in a record, the type names, and each node's first edge (an offset into `edges`).
 */
function graph(snapshot) {
  const { nodes, edges, strings } = snapshot
  const meta = snapshot.snapshot.meta
  const nodeWidth = meta.node_fields.length
  const edgeWidth = meta.edge_fields.length
  const nEdges = meta.node_fields.indexOf('edge_count')
  const count = nodes.length / nodeWidth
  const firstEdge = new Uint32Array(count + 1)
  for (let i = 0; i < count; i++)
    firstEdge[i + 1] = firstEdge[i] + nodes[i * nodeWidth + nEdges] * edgeWidth
  return {
    nodes, edges, strings, nodeWidth, edgeWidth, count, firstEdge,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    nName: meta.node_fields.indexOf('name'),
    nType: meta.node_fields.indexOf('type'),
    nSize: meta.node_fields.indexOf('self_size'),
    nEdges,
    eType: meta.edge_fields.indexOf('type'),
    eName: meta.edge_fields.indexOf('name_or_index'),
    eTo: meta.edge_fields.indexOf('to_node'),
  }
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

/**
 * Summed self size (bytes) per node type (`code`: bytecode and compiled code, `object`,
 * `string`, `native`: Blink's objects, outside V8's heap, …).
 */
export function sizesByType(snapshot) {
  const { nodes } = snapshot
  const meta = snapshot.snapshot.meta
  const width = meta.node_fields.length
  const typeAt = meta.node_fields.indexOf('type')
  const sizeAt = meta.node_fields.indexOf('self_size')
  const sizes = new Map()
  for (let i = 0; i < nodes.length; i += width) {
    const type = meta.node_types[0][nodes[i + typeAt]]
    sizes.set(type, (sizes.get(type) ?? 0) + (sizeAt < 0 ? 0 : nodes[i + sizeAt]))
  }
  return sizes
}

/** Count and summed self size (bytes) per name, every node type. */
export function sizesByName(snapshot) {
  const { nodes, strings } = snapshot
  const fields = snapshot.snapshot.meta.node_fields
  const width = fields.length
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const sizes = new Map()
  for (let i = 0; i < nodes.length; i += width) {
    const name = strings[nodes[i + nameAt]]
    const entry = sizes.get(name) ?? { count: 0, selfSize: 0 }
    entry.count++
    entry.selfSize += sizeAt < 0 ? 0 : nodes[i + sizeAt]
    sizes.set(name, entry)
  }
  return sizes
}

/**
 * The shortest retaining path (breadth first from the snapshot's root, weak and shortcut edges
 * skipped) of every object named `name`, grouped: objects held the same way share one line.
 * Each line reads from the GC root down to the object, e.g.
 * `12× (GC roots) -timers-> Map -[3]-> Timer -callback-> closure:onTimeout … -> MediaStreamTrack`.
 * @returns {{ count: number, path: string }[]} most frequent first, at most `limit`
 */
export function rootPaths(snapshot, name, { limit = 8 } = {}) {
  const { nodes, edges, strings, nodeWidth, edgeWidth, nodeTypes, edgeTypes, nName, nType, eType, eName, eTo, count, firstEdge } = graph(snapshot)
  const parent = new Int32Array(count).fill(-1)
  const via = new Int32Array(count).fill(-1)
  parent[0] = 0
  const queue = [0]
  for (let q = 0; q < queue.length; q++) {
    const from = queue[q]
    for (let e = firstEdge[from]; e < firstEdge[from + 1]; e += edgeWidth) {
      const type = edgeTypes[edges[e + eType]]
      if (type === 'weak' || type === 'shortcut')
        continue
      const to = edges[e + eTo] / nodeWidth
      if (parent[to] !== -1)
        continue
      parent[to] = from
      via[to] = e
      queue.push(to)
    }
  }
  const describe = (i) => {
    const type = nodeTypes[nodes[i * nodeWidth + nType]]
    const label = strings[nodes[i * nodeWidth + nName]]
    return type === 'object' ? label : `${type}:${label.slice(0, 60)}`
  }
  // Element indexes are left out, so objects held the same way in different slots (timers, array items) group together.
  const edgeLabel = (e) => {
    const type = edgeTypes[edges[e + eType]]
    return type === 'element' || type === 'hidden' ? '[]' : strings[edges[e + eName]]
  }
  const groups = new Map()
  for (let i = 0; i < count; i++) {
    if (strings[nodes[i * nodeWidth + nName]] !== name || nodeTypes[nodes[i * nodeWidth + nType]] !== 'object')
      continue
    let path
    if (parent[i] === -1) {
      path = `(unreachable) ${name}`
    }
    else {
      const steps = []
      for (let n = i; n !== 0; n = parent[n])
        steps.unshift(`-${edgeLabel(via[n])}-> ${describe(n)}`)
      path = `${describe(0)} ${steps.join(' ')}`
    }
    groups.set(path, (groups.get(path) ?? 0) + 1)
  }
  return [...groups].map(([path, n]) => ({ count: n, path })).sort((a, b) => b.count - a.count).slice(0, limit)
}

/**
 * Retained sizes (bytes): what would be freed with each object, from the dominator tree
 * (Cooper, Harvey & Kennedy's iterative algorithm over the strong edges, weak and shortcut
 * edges skipped, as DevTools does). Summed per name over the objects not already inside
 * another object of that name (so nested ones are not counted twice).
 * @returns {Map<string, { count: number, retained: number }>}
 */
export function retainedByName(snapshot) {
  const { nodes, strings } = snapshot
  const nodeWidth = snapshot.snapshot.meta.node_fields.length
  const nName = snapshot.snapshot.meta.node_fields.indexOf('name')
  const { retained, idom, post } = dominators(snapshot)
  const byName = new Map()
  for (const node of post) {
    const name = strings[nodes[node * nodeWidth + nName]]
    let nested = false
    for (let up = idom[node]; up !== 0; up = idom[up]) {
      if (strings[nodes[up * nodeWidth + nName]] === name) {
        nested = true
        break
      }
    }
    if (nested)
      continue
    const entry = byName.get(name) ?? { count: 0, retained: 0 }
    entry.count++
    entry.retained += retained[node]
    byName.set(name, entry)
  }
  return byName
}

/**
 * The dominator tree of the snapshot's strong edges: `idom[i]` is node i's immediate dominator
 * (node indexes, not offsets; the root is 0), `retained[i]` its retained size in bytes, `post`
 * the reachable nodes in post order.
 * @returns {{ idom: Int32Array, retained: Float64Array, post: number[] }}
 */
export function dominators(snapshot) {
  const { nodes, edges, nodeWidth, edgeWidth, edgeTypes, nSize, eType, eTo, count, firstEdge } = graph(snapshot)
  const strong = e => edgeTypes[edges[e + eType]] !== 'weak' && edgeTypes[edges[e + eType]] !== 'shortcut'
  // Post order from the root, iteratively.
  const order = new Int32Array(count).fill(-1) // node → post-order number
  const post = []
  const stack = [0]
  const next = new Uint32Array(count)
  const visited = new Uint8Array(count)
  visited[0] = 1
  next[0] = firstEdge[0]
  while (stack.length) {
    const node = stack[stack.length - 1]
    if (next[node] < firstEdge[node + 1]) {
      const e = next[node]
      next[node] += edgeWidth
      if (!strong(e))
        continue
      const to = edges[e + eTo] / nodeWidth
      if (!visited[to]) {
        visited[to] = 1
        next[to] = firstEdge[to]
        stack.push(to)
      }
    }
    else {
      stack.pop()
      order[node] = post.length
      post.push(node)
    }
  }
  // Predecessors of each reached node.
  const predCount = new Uint32Array(count + 1)
  for (let from = 0; from < count; from++) {
    if (!visited[from])
      continue
    for (let e = firstEdge[from]; e < firstEdge[from + 1]; e += edgeWidth) {
      if (strong(e))
        predCount[edges[e + eTo] / nodeWidth + 1]++
    }
  }
  for (let i = 0; i < count; i++)
    predCount[i + 1] += predCount[i]
  const preds = new Int32Array(predCount[count])
  const fill = predCount.slice(0, count)
  for (let from = 0; from < count; from++) {
    if (!visited[from])
      continue
    for (let e = firstEdge[from]; e < firstEdge[from + 1]; e += edgeWidth) {
      if (strong(e))
        preds[fill[edges[e + eTo] / nodeWidth]++] = from
    }
  }
  const idom = new Int32Array(count).fill(-1)
  idom[0] = 0
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a]
      while (order[b] < order[a]) b = idom[b]
    }
    return a
  }
  for (let changed = true; changed;) {
    changed = false
    for (let k = post.length - 2; k >= 0; k--) {
      const node = post[k]
      let dom = -1
      for (let p = predCount[node]; p < predCount[node + 1]; p++) {
        const pred = preds[p]
        if (idom[pred] === -1)
          continue
        dom = dom === -1 ? pred : intersect(pred, dom)
      }
      if (dom !== -1 && idom[node] !== dom) {
        idom[node] = dom
        changed = true
      }
    }
  }
  const retained = new Float64Array(count)
  for (const node of post)
    retained[node] += nodes[node * nodeWidth + nSize]
  for (const node of post) {
    if (node !== 0)
      retained[idom[node]] += retained[node]
  }
  return { idom, retained, post }
}
