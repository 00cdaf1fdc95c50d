import { describe, expect, it } from 'vitest'
import type { QualitySample, StatsSnapshot } from '@/domain/quality'
import {
  delayImpairment, describeSample, describeSummary, estimateMos, formatLoss, GOOD_MOS, NO_WARNING, nextWarningState, POOR_MOS,
  FRESH_SAMPLING, nextSample, qualityLabel, qualityLevel, rFactor, rToMos, sampleBetween, snapshotFromStats, summarize,
} from '@/domain/quality'

describe('rToMos (G.107 Annex B)', () => {
  it.each<[number, number]>([[0, 1], [-5, 1], [50, 2.58], [70, 3.6], [80, 4.02], [93.2, 4.41], [100, 4.5], [120, 4.5]])('R %s → MOS %s', (r, mos) => {
    expect(rToMos(r)).toBeCloseTo(mos, 2)
  })
  it('never decreases with R', () => {
    let previous = 0
    for (let r = 0; r <= 100; r++) {
      expect(rToMos(r)).toBeGreaterThanOrEqual(previous)
      previous = rToMos(r)
    }
  })
})

describe('delayImpairment', () => {
  it('is 0 up to 100 ms one way and grows past it', () => {
    expect(delayImpairment(50)).toBe(0)
    expect(delayImpairment(100)).toBe(0)
    expect(delayImpairment(150)).toBeGreaterThan(0)
    expect(delayImpairment(400)).toBeGreaterThan(delayImpairment(200))
  })
  it('follows G.107\'s Idd formula: X = log2(Ta/100), 300 ms → 25·((1+X⁶)^⅙ − 3(1+(X/3)⁶)^⅙ + 2) ≈ 14.8', () => {
    expect(delayImpairment(300)).toBeCloseTo(14.76, 2)
  })
})

describe('estimateMos', () => {
  it('a clean LAN call is toll quality (4.41)', () => {
    expect(estimateMos({ rttMs: 0, jitterMs: 0, loss: 0 })).toBe(4.41)
    expect(qualityLevel(estimateMos({ rttMs: 30, jitterMs: 5, loss: 0 }))).toBe('good')
  })
  it('missing readings count as a LAN', () => {
    expect(estimateMos({ rttMs: null, jitterMs: null, loss: null })).toBe(4.41)
  })
  it.each<[string, { rttMs: number, jitterMs: number, loss: number }, 'good' | 'fair' | 'poor']>([
    ['1% loss', { rttMs: 40, jitterMs: 5, loss: 0.01 }, 'good'],
    ['5% loss', { rttMs: 40, jitterMs: 5, loss: 0.05 }, 'fair'],
    ['10% loss', { rttMs: 40, jitterMs: 5, loss: 0.1 }, 'poor'],
    ['600 ms RTT', { rttMs: 600, jitterMs: 5, loss: 0 }, 'fair'],
    ['1.2 s RTT and 3% loss', { rttMs: 1200, jitterMs: 30, loss: 0.03 }, 'poor'],
  ])('%s → %s', (_what, input, level) => {
    expect(qualityLevel(estimateMos(input))).toBe(level)
  })
  it('gets worse with each of rtt, jitter and loss', () => {
    const base = { rttMs: 100, jitterMs: 10, loss: 0.01 }
    expect(rFactor({ ...base, rttMs: 400 })).toBeLessThan(rFactor(base))
    expect(rFactor({ ...base, jitterMs: 80 })).toBeLessThan(rFactor(base))
    expect(rFactor({ ...base, loss: 0.05 })).toBeLessThan(rFactor(base))
  })
  it('total loss is the floor', () => {
    expect(estimateMos({ rttMs: 20, jitterMs: 1, loss: 1 })).toBeLessThan(2)
  })
})

describe('levels', () => {
  it('has good ≥ 4.0 > fair ≥ 3.6 > poor', () => {
    expect(qualityLevel(GOOD_MOS)).toBe('good')
    expect(qualityLevel(GOOD_MOS - 0.01)).toBe('fair')
    expect(qualityLevel(POOR_MOS)).toBe('fair')
    expect(qualityLevel(POOR_MOS - 0.01)).toBe('poor')
    expect([qualityLabel('good'), qualityLabel('fair'), qualityLabel('poor')]).toEqual(['Good', 'Fair', 'Poor'])
  })
})

const snap = (over: Partial<StatsSnapshot>): StatsSnapshot => ({
  at: 0, rttMs: 20, jitterMs: 2, packetsReceived: 0, packetsLost: 0, packetsSent: 0, remoteFractionLost: null, remoteReports: 0, ...over,
})

describe('nextSample (issue 14: hold and mute are not loss)', () => {
  it('samples an uninterrupted interval', () => {
    const first = nextSample(FRESH_SAMPLING, snap({ packetsReceived: 100 }), false)
    expect(first.sample?.loss).toBe(0)
    const second = nextSample(first.state, snap({ packetsReceived: 190, packetsLost: 10, remoteFractionLost: 0.05, remoteReports: 1 }), false)
    expect(second.sample?.loss).toBeCloseTo(0.1)
  })
  it('leaves out an interrupted interval and one in which nothing arrived', () => {
    const first = nextSample(FRESH_SAMPLING, snap({ packetsReceived: 100 }), false)
    const held = nextSample(first.state, snap({ packetsReceived: 140, packetsLost: 60 }), true)
    expect(held.sample).toBeNull()
    const silent = nextSample(held.state, snap({ packetsReceived: 140, packetsLost: 60 }), false)
    expect(silent.sample).toBeNull()
    const back = nextSample(silent.state, snap({ packetsReceived: 240, packetsLost: 60 }), false)
    expect(back.sample?.loss).toBe(0)
  })
  it('counts the far end\'s loss report only from the second one after an interruption', () => {
    const first = nextSample(FRESH_SAMPLING, snap({ packetsReceived: 100, remoteReports: 1 }), true)
    const stale = nextSample(first.state, snap({ packetsReceived: 200, remoteFractionLost: 0.4, remoteReports: 2 }), false)
    expect(stale.sample?.loss).toBe(0)
    const fresh = nextSample(stale.state, snap({ packetsReceived: 300, remoteFractionLost: 0.3, remoteReports: 3 }), false)
    expect(fresh.sample?.loss).toBeCloseTo(0.3)
  })
  it('no audio yet: no sample', () => {
    expect(nextSample(FRESH_SAMPLING, snap({}), false).sample).toBeNull()
  })
})

describe('sampleBetween', () => {
  it('computes the loss over the interval, not since the start of the call', () => {
    const first = snap({ packetsReceived: 1000, packetsLost: 100 })
    const second = snap({ at: 2000, packetsReceived: 1100, packetsLost: 100 })
    expect(sampleBetween(first, second).loss).toBe(0)
    const third = snap({ at: 4000, packetsReceived: 1190, packetsLost: 110 })
    expect(sampleBetween(second, third).loss).toBeCloseTo(0.1)
  })
  it('uses the cumulative loss for the first sample', () => {
    expect(sampleBetween(null, snap({ packetsReceived: 90, packetsLost: 10 })).loss).toBeCloseTo(0.1)
  })
  it('takes the far end\'s reported loss of our audio when it is worse', () => {
    const sample = sampleBetween(snap({ packetsReceived: 100 }), snap({ packetsReceived: 200, remoteFractionLost: 0.2 }))
    expect(sample.loss).toBe(0.2)
    expect(sample.level).toBe('poor')
  })
  it('ignores counters going backwards (a renegotiated stream)', () => {
    expect(sampleBetween(snap({ packetsReceived: 500, packetsLost: 50 }), snap({ packetsReceived: 10, packetsLost: 0 })).loss).toBe(0)
  })
})

describe('snapshotFromStats', () => {
  it('reads inbound, outbound and remote-inbound audio and converts seconds to ms', () => {
    const records = [
      { type: 'codec', mimeType: 'audio/opus' },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: 9999 },
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500, packetsLost: 5, jitter: 0.0125 },
      { type: 'outbound-rtp', kind: 'audio', packetsSent: 510 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.042, fractionLost: 0.02, reportsReceived: 7 },
      { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
    ]
    expect(snapshotFromStats(records, 1234)).toEqual({
      at: 1234, rttMs: 42, jitterMs: 12.5, packetsReceived: 500, packetsLost: 5, packetsSent: 510, remoteFractionLost: 0.02, remoteReports: 7,
    })
  })
  it('falls back to the ICE pair\'s RTT before the first RTCP report', () => {
    const snapshot = snapshotFromStats([{ type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.004 }], 0)
    expect(snapshot.rttMs).toBe(4)
    expect(snapshot.jitterMs).toBeNull()
    expect(snapshot.packetsReceived).toBe(0)
  })
  it('nothing at all: nulls and zeros', () => {
    expect(snapshotFromStats([], 5)).toEqual({ at: 5, rttMs: null, jitterMs: null, packetsReceived: 0, packetsLost: 0, packetsSent: 0, remoteFractionLost: null, remoteReports: 0 })
  })
})

describe('warnings', () => {
  it('warns after two poor samples in a row and clears after three acceptable ones', () => {
    let state = NO_WARNING
    const levels = ['poor', 'good', 'poor', 'poor', 'fair', 'good', 'poor', 'good', 'good', 'good'] as const
    const warnings = levels.map((level) => {
      state = nextWarningState(state, level)
      return state.warning
    })
    expect(warnings).toEqual([false, false, false, true, true, true, true, true, true, false])
  })
})

describe('summarize', () => {
  const sample = (mos: number, extra: Partial<QualitySample> = {}): QualitySample =>
    ({ at: 0, rttMs: 20, jitterMs: 1, loss: 0, mos, level: qualityLevel(mos), ...extra })

  it('is null without samples', () => {
    expect(summarize([])).toBeNull()
  })
  it('averages the MOS, keeps the worst and the maxima', () => {
    expect(summarize([sample(4.4), sample(4.2, { rttMs: 80, jitterMs: 9, loss: 0.02 }), sample(3.1, { loss: 0.1 })])).toEqual({
      samples: 3, averageMos: 3.9, minMos: 3.1, level: 'fair', maxRttMs: 80, maxJitterMs: 9, averageLoss: 0.04, poorSamples: 1,
    })
  })
  it('leaves the maxima null when no sample had them', () => {
    expect(summarize([sample(4.4, { rttMs: null, jitterMs: null })])).toMatchObject({ maxRttMs: null, maxJitterMs: null })
  })
})

describe('describeSummary', () => {
  it('names the level, the average and worst MOS and the worst network figures', () => {
    expect(describeSummary({ samples: 3, averageMos: 3.9, minMos: 3.1, level: 'fair', maxRttMs: 80.4, maxJitterMs: 9, averageLoss: 0.04, poorSamples: 1 }))
      .toBe('Fair · average MOS 3.9 (lowest 3.1) · up to 80 ms RTT · 9.0 ms jitter · 4.0% loss')
    expect(describeSummary({ samples: 1, averageMos: 4.41, minMos: 4.41, level: 'good', maxRttMs: null, maxJitterMs: null, averageLoss: 0, poorSamples: 0 }))
      .toBe('Good · average MOS 4.4 (lowest 4.4) · 0% loss')
  })
})

describe('describeSample', () => {
  it('reads like a status line', () => {
    expect(describeSample({ mos: 4.41, rttMs: 12.4, jitterMs: 1.25, loss: 0 })).toBe('MOS 4.4 · 12 ms RTT · 1.3 ms jitter · 0% loss')
    expect(describeSample({ mos: 3.2, rttMs: null, jitterMs: null, loss: 0.153 })).toBe('MOS 3.2 · 15% loss')
  })
  it('formats small losses with a decimal', () => {
    expect(formatLoss(0.012)).toBe('1.2%')
    expect(formatLoss(0.5)).toBe('50%')
  })
})
