/**
 * Summarises a V8 CPU profile (DevTools protocol `Profiler.stop` → `Profile`) over time
 * windows: which code ran between a SIP message reaching the widget and the widget's
 * postMessage to HubSpot. Pure; the bench supplies the windows and a `resolve` that maps
 * a call frame to its original source (from the production bundle's source maps).
 *
 * Times: profile timestamps are microseconds of the renderer's monotonic clock, the same
 * clock as the DevTools Network domain's `timestamp` (seconds); windows are given in µs.
 */

/** Nodes V8 puts in every profile that are not JavaScript. */
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)'])

/**
 * Which library or file a resolved source path belongs to: `sip.js`, `vue`, … for
 * node_modules (the package name), the path itself for the app's own files (`src/…`).
 * @param {string} source a source path from a source map (`../node_modules/sip.js/lib/…`, `../src/stores/call.ts`)
 * @returns {string}
 */
export function groupOf(source) {
  const normalized = source.replace(/\\/g, '/')
  const modules = normalized.lastIndexOf('node_modules/')
  if (modules >= 0) {
    const rest = normalized.slice(modules + 'node_modules/'.length).split('/')
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : rest[0] ?? ''
    // Vue's packages (@vue/runtime-core, @vue/reactivity, …) are one library here.
    return name.startsWith('@vue/') ? 'vue' : name
  }
  const src = normalized.indexOf('src/')
  if (src >= 0)
    return normalized.slice(src)
  return normalized
}

/** Whether a group is the app's own code (not a library, not V8). */
export function isOwnCode(group) {
  return group.startsWith('src/')
}

/**
 * Self time per sample: V8 stamps each sample; the time until the next stamp is
 * attributed to the sampled node (as DevTools does). The last sample gets nothing.
 * @returns {{ nodeId: number, at: number, us: number }[]}
 */
export function sampleTimes(profile) {
  const out = []
  let at = profile.startTime
  const n = profile.samples.length
  for (let i = 0; i < n; i++) {
    at += profile.timeDeltas[i] ?? 0
    const next = i + 1 < n ? at + (profile.timeDeltas[i + 1] ?? 0) : at
    out.push({ nodeId: profile.samples[i], at, us: Math.max(0, next - at) })
  }
  return out
}

/**
 * Self time, in ms, spent in each function and each group during the windows.
 * @param {object} profile a DevTools `Profiler.Profile`
 * @param {{ from: number, to: number }[]} windows in profile µs, inclusive `from`, exclusive `to`
 * @param {(frame: object) => { file: string, line: number, name: string }} resolve the original
 *   source of a call frame (`file` '' for native code / V8's own nodes)
 * @returns {{ windows: number, windowMs: number, busyMs: number, ownMs: number, groups: { group: string, ms: number }[], functions: { name: string, file: string, line: number, group: string, ms: number }[] }}
 */
export function summarizeProfile(profile, windows, resolve) {
  const nodes = new Map(profile.nodes.map(node => [node.id, node]))
  const sorted = [...windows].sort((a, b) => a.from - b.from)
  const inWindow = (t) => {
    for (const w of sorted) {
      if (t < w.from)
        return false
      if (t < w.to)
        return true
    }
    return false
  }
  const groups = new Map()
  const functions = new Map()
  let busyUs = 0
  for (const sample of sampleTimes(profile)) {
    if (sample.us === 0 || !inWindow(sample.at))
      continue
    const node = nodes.get(sample.nodeId)
    if (!node)
      continue
    const frame = node.callFrame
    const special = SPECIAL.has(frame.functionName) && frame.url === ''
    if (frame.functionName === '(idle)')
      continue
    busyUs += sample.us
    let group
    let key
    let entry
    if (special) {
      group = frame.functionName
      key = group
      entry = { name: group, file: '', line: 0, group }
    }
    else {
      const original = resolve(frame)
      group = original.file === '' ? `(native) ${frame.functionName || '(anonymous)'}` : groupOf(original.file)
      const name = original.name || frame.functionName || '(anonymous)'
      key = `${group}|${name}|${original.line}`
      entry = { name, file: original.file === '' ? '' : groupOf(original.file), line: original.line, group }
    }
    groups.set(group, (groups.get(group) ?? 0) + sample.us)
    const f = functions.get(key) ?? { ...entry, us: 0 }
    f.us += sample.us
    functions.set(key, f)
  }
  const ms = us => Math.round(us / 10) / 100
  const windowUs = sorted.reduce((total, w) => total + Math.max(0, w.to - w.from), 0)
  const ownUs = [...groups].filter(([g]) => isOwnCode(g)).reduce((total, [, us]) => total + us, 0)
  return {
    windows: sorted.length,
    windowMs: ms(windowUs),
    busyMs: ms(busyUs),
    ownMs: ms(ownUs),
    groups: [...groups].map(([group, us]) => ({ group, ms: ms(us) })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].map(({ us, ...f }) => ({ ...f, ms: ms(us) })).sort((a, b) => b.ms - a.ms),
  }
}

/**
 * The windows cut short at the first sample (inside each) whose stack holds a frame
 * `isMarker` accepts, e.g. the native `postMessage` that tells HubSpot: what ran before it
 * is what the message waited for. A window without such a sample is kept whole.
 * @returns {{ from: number, to: number, cut: boolean }[]}
 */
export function cutAtMarker(profile, windows, isMarker) {
  const parents = new Map()
  for (const node of profile.nodes) {
    for (const child of node.children ?? [])
      parents.set(child, node.id)
  }
  const nodes = new Map(profile.nodes.map(node => [node.id, node]))
  const marked = new Map()
  const hasMarker = (id) => {
    if (marked.has(id))
      return marked.get(id)
    const node = nodes.get(id)
    const parent = parents.get(id)
    const value = node !== undefined && (isMarker(node.callFrame) || (parent !== undefined && hasMarker(parent)))
    marked.set(id, value)
    return value
  }
  const samples = sampleTimes(profile)
  return windows.map((w) => {
    const first = samples.find(s => s.at >= w.from && s.at < w.to && hasMarker(s.nodeId))
    return first ? { from: w.from, to: first.at, cut: true } : { ...w, cut: false }
  })
}

/**
 * Groups the app's own files under one label for a short table: `our code (src/…)`,
 * keeping libraries and V8's nodes apart.
 */
export function ownCodeTotal(summary) {
  return summary.groups.filter(g => isOwnCode(g.group)).reduce((total, g) => total + g.ms, 0)
}
