// @vitest-environment node
/**
 * The bench's CPU-profile summary (bench/profile.mjs): self time per function and per
 * library inside the windows between a SIP message and the postMessage to HubSpot.
 */
import { describe, expect, it } from 'vitest'
import { cutAtMarker, groupOf, isOwnCode, sampleTimes, summarizeProfile } from '../../../bench/profile.mjs'

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' })

/** Nodes: 1 root, 2 idle, 3 program, 4 our store (app.js line 10), 5 sip.js (sip.js line 20), 6 native JSON.stringify. */
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('(program)') },
    { id: 4, callFrame: frame('a', 'http://x/assets/app.js', 10) },
    { id: 5, callFrame: frame('b', 'http://x/assets/sip.js', 20) },
    { id: 6, callFrame: frame('stringify') },
  ],
  startTime: 1000,
  endTime: 2000,
  // at: 1100, 1200, 1300, 1400, 1500, 1600 (each 100 µs until the next)
  samples: [4, 5, 4, 2, 6, 3],
  timeDeltas: [100, 100, 100, 100, 100, 100],
}

const resolve = (f: { url: string, lineNumber: number }) => {
  if (f.url.endsWith('app.js')) return { file: '../src/stores/call.ts', line: 42, name: 'onAnswered' }
  if (f.url.endsWith('sip.js')) return { file: '../node_modules/sip.js/lib/core/transport.js', line: 7, name: 'onMessage' }
  return { file: '', line: 0, name: '' }
}

describe('sampleTimes', () => {
  it('stamps each sample and gives it the time until the next one', () => {
    const times = sampleTimes(profile)
    expect(times.map(t => t.at)).toEqual([1100, 1200, 1300, 1400, 1500, 1600])
    expect(times.map(t => t.us)).toEqual([100, 100, 100, 100, 100, 0])
  })
})

describe('groupOf', () => {
  it('names a library by its package and our files by their path under src/', () => {
    expect(groupOf('../node_modules/sip.js/lib/api/session.js')).toBe('sip.js')
    expect(groupOf('../node_modules/@hubspot/calling-extensions-sdk/src/IFrameManager.js')).toBe('@hubspot/calling-extensions-sdk')
    expect(groupOf('../node_modules/@vue/reactivity/dist/reactivity.esm-bundler.js')).toBe('vue')
    expect(groupOf('../src/stores/call.ts')).toBe('src/stores/call.ts')
    expect(isOwnCode('src/stores/call.ts')).toBe(true)
    expect(isOwnCode('sip.js')).toBe(false)
  })
})

describe('summarizeProfile', () => {
  it('counts only the samples inside the windows, idle excluded, per function and per group', () => {
    // Window 1150–1350 holds the samples at 1200 (sip.js) and 1300 (ours); window 1400–1600 holds idle (1400) and stringify (1500).
    const summary = summarizeProfile(profile, [{ from: 1400, to: 1600 }, { from: 1150, to: 1350 }], resolve)
    expect(summary.windows).toBe(2)
    expect(summary.windowMs).toBe(0.4)
    expect(summary.busyMs).toBe(0.3)
    expect(summary.ownMs).toBe(0.1)
    expect(summary.groups).toEqual(expect.arrayContaining([
      { group: 'sip.js', ms: 0.1 },
      { group: 'src/stores/call.ts', ms: 0.1 },
      { group: '(native) stringify', ms: 0.1 },
    ]))
    expect(summary.groups).toHaveLength(3)
    expect(summary.functions.find(f => f.group === 'src/stores/call.ts')).toEqual({ name: 'onAnswered', file: 'src/stores/call.ts', line: 42, group: 'src/stores/call.ts', ms: 0.1 })
  })

  it('reports nothing for a window with no samples', () => {
    const summary = summarizeProfile(profile, [{ from: 5000, to: 6000 }], resolve)
    expect(summary.busyMs).toBe(0)
    expect(summary.groups).toEqual([])
  })

  it('sums a function over its samples; idle and the zero-length last sample count for nothing', () => {
    const summary = summarizeProfile(profile, [{ from: 1000, to: 1700 }], resolve)
    expect(summary.busyMs).toBe(0.4)
    expect(summary.groups.map(g => g.group)).not.toContain('(idle)')
    expect(summary.groups.map(g => g.group)).not.toContain('(program)')
    expect(summary.functions.filter(f => f.group === 'src/stores/call.ts')[0]?.ms).toBe(0.2)
  })
})

describe('cutAtMarker', () => {
  // 1 root → 2 handler → 3 postMessage (native); 1 → 4 render. Samples: handler 1100, postMessage 1200, render 1300.
  const nested = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('onAnswered', 'http://x/app.js'), children: [3] },
      { id: 3, callFrame: frame('postMessage') },
      { id: 4, callFrame: frame('render', 'http://x/app.js') },
    ],
    startTime: 1000,
    endTime: 1400,
    samples: [2, 3, 4],
    timeDeltas: [100, 100, 100],
  }
  const isPost = (f: { functionName: string, url: string }) => f.functionName === 'postMessage' && f.url === ''

  it('ends each window at the first sample inside postMessage', () => {
    expect(cutAtMarker(nested, [{ from: 1050, to: 1400 }], isPost)).toEqual([{ from: 1050, to: 1200, cut: true }])
  })

  it('keeps a window whole when postMessage was not sampled in it', () => {
    expect(cutAtMarker(nested, [{ from: 1250, to: 1400 }], isPost)).toEqual([{ from: 1250, to: 1400, cut: false }])
  })
})
