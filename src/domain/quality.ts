/**
 * Call quality from WebRTC statistics: a MOS (mean opinion score, 1–4.5) estimated
 * with the ITU-T G.107 E-model from round-trip time, jitter and packet loss, the
 * thresholds the softphone warns at, and the per-call summary the wrap-up shows.
 * Pure functions only: the SIP adapter reads getStats, the store samples it. The texts
 * (`describeSample`, `describeSummary`) come from the catalogue, numbers formatted by `Intl`.
 */
import { t } from '@/i18n'
import { formatDecimal, formatMilliseconds, formatPercent } from '@/i18n/format'

/** One reading of the call's audio path, as the SIP adapter reports it. */
export interface QualityInput {
  /** Round-trip time in milliseconds (RTCP, `remote-inbound-rtp.roundTripTime`). */
  rttMs: number | null
  /** Receive jitter in milliseconds (`inbound-rtp.jitter`). */
  jitterMs: number | null
  /** Packets lost as a fraction 0–1 over the sampling interval. */
  loss: number | null
}

/** Statistics counters read from the peer connection at one instant (cumulative). */
export interface StatsSnapshot {
  /** When it was read (ms). */
  at: number
  rttMs: number | null
  jitterMs: number | null
  packetsReceived: number
  packetsLost: number
  packetsSent: number
  /** Loss the far end reports about what we send (0–1), from its latest RTCP receiver report. */
  remoteFractionLost: number | null
  /** How many RTCP receiver reports the far end has sent so far (`remote-inbound-rtp.reportsReceived`). */
  remoteReports: number
}

export type QualityLevel = 'good' | 'fair' | 'poor'

export interface QualitySample {
  at: number
  rttMs: number | null
  jitterMs: number | null
  /** 0–1 */
  loss: number
  mos: number
  level: QualityLevel
}

/** MOS at or above this is good (a toll-quality call scores ~4.4 with G.711/opus). */
export const GOOD_MOS = 4.0
/** Below this the call is poor and the agent is warned. */
export const POOR_MOS = 3.6

/**
 * Codec parameters of the E-model (G.113 Appendix I): equipment impairment `ie` and
 * packet-loss robustness `bpl`. Opus has no G.113 entry; its robustness (PLC/FEC)
 * is at least G.711's with PLC, so G.711's values are used for it.
 */
const CODEC = { ie: 0, bpl: 25.1 } as const

/** Delay the jitter buffer and codec add on top of the network's one-way delay (ms). */
const CODEC_AND_BUFFER_DELAY_MS = 20

/** R factor to MOS (G.107 Annex B). */
export function rToMos(r: number): number {
  if (r <= 0)
    return 1
  if (r >= 100)
    return 4.5
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
  return Math.min(4.5, Math.max(1, mos))
}

/**
 * The delay impairment Id of G.107 for a one-way mouth-to-ear delay `ta` (ms),
 * with echo perfectly cancelled (Idte = Idle = 0).
 */
export function delayImpairment(ta: number): number {
  if (ta <= 100)
    return 0
  const x = Math.log(ta / 100) / Math.log(2)
  return 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2)
}

/**
 * E-model rating. One-way delay = rtt/2 + 2·jitter (the jitter buffer) + codec delay;
 * Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl + Bpl) with Ppl the loss in percent; R = 93.2 − Id − Ie,eff.
 * Missing rtt/jitter count as 0 (a LAN): the estimate errs on the good side.
 */
export function rFactor(input: QualityInput): number {
  const rtt = nonNegative(input.rttMs)
  const jitter = nonNegative(input.jitterMs)
  const ppl = Math.min(100, nonNegative(input.loss) * 100)
  const oneWay = rtt / 2 + 2 * jitter + CODEC_AND_BUFFER_DELAY_MS
  const id = delayImpairment(oneWay)
  const ieEff = CODEC.ie + (95 - CODEC.ie) * ppl / (ppl + CODEC.bpl)
  return 93.2 - id - ieEff
}

/** The MOS estimate, rounded to two decimals. */
export function estimateMos(input: QualityInput): number {
  return Math.round(rToMos(rFactor(input)) * 100) / 100
}

export function qualityLevel(mos: number): QualityLevel {
  if (mos >= GOOD_MOS)
    return 'good'
  if (mos >= POOR_MOS)
    return 'fair'
  return 'poor'
}

export function qualityLabel(level: QualityLevel): string {
  return t(`quality.${level}`)
}

function nonNegative(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

/**
 * A sample from two snapshots: loss over the interval between them (what we
 * receive, or what the far end reports losing of ours, whichever is worse).
 */
export function sampleBetween(previous: StatsSnapshot | null, current: StatsSnapshot, options: { remoteLoss?: boolean } = {}): QualitySample {
  let loss = 0
  if (previous) {
    const received = current.packetsReceived - previous.packetsReceived
    const lost = current.packetsLost - previous.packetsLost
    if (received + lost > 0 && lost > 0)
      loss = lost / (received + lost)
  }
  else if (current.packetsReceived + current.packetsLost > 0) {
    loss = Math.max(0, current.packetsLost) / (current.packetsReceived + Math.max(0, current.packetsLost))
  }
  const remote = options.remoteLoss === false ? 0 : nonNegative(current.remoteFractionLost)
  loss = Math.min(1, Math.max(loss, remote))
  const input: QualityInput = { rttMs: current.rttMs, jitterMs: current.jitterMs, loss }
  const mos = estimateMos(input)
  return { at: current.at, rttMs: current.rttMs, jitterMs: current.jitterMs, loss, mos, level: qualityLevel(mos) }
}

/**
 * What happened to the call between two snapshots that makes its counters say nothing about the
 * network: we held the call (a=sendonly: nothing comes back), a hold or resume was under way, the
 * agent was muted (the microphone sends nothing or comfort noise), or the far end sent nothing
 * at all (it held us, or a transfer is being set up). Packets "lost" across such a gap (a
 * sequence number jump when the far end's media comes back, RTCP reports covering the silence)
 * are not loss the agent or the caller heard.
 */
export interface SamplingState {
  /** The last snapshot read (the start of the next interval). */
  previous: StatsSnapshot | null
  /** `remoteReports` at the end of the last interrupted interval (null: never interrupted). */
  reportsAtInterruption: number | null
}

export const FRESH_SAMPLING: SamplingState = { previous: null, reportsAtInterruption: null }

/**
 * The next reading of the call: the interval from `state.previous` to `current` gives a sample,
 * or none (null) when the interval was interrupted (`interrupted`: held, hold/resume pending or
 * muted at any moment of it) or nothing arrived in it. The far end's loss report counts only
 * from the second report after the last interruption: an RTCP receiver report covers the time
 * since the one before it (RFC 3550 §6.4.1), so the first one may still describe the gap.
 */
export function nextSample(state: SamplingState, current: StatsSnapshot, interrupted: boolean): { state: SamplingState, sample: QualitySample | null } {
  const previous = state.previous
  const silent = previous !== null && current.packetsReceived - previous.packetsReceived <= 0
  const nothingYet = current.packetsReceived === 0 && current.packetsLost === 0
  if (interrupted || silent || nothingYet)
    return { state: { previous: current, reportsAtInterruption: current.remoteReports }, sample: null }
  const remoteLoss = state.reportsAtInterruption === null || current.remoteReports >= state.reportsAtInterruption + 2
  return { state: { ...state, previous: current }, sample: sampleBetween(previous, current, { remoteLoss }) }
}

/**
 * Turns a stream of levels into warnings without flapping: warn when the call has been
 * poor for `POOR_SAMPLES_TO_WARN` samples in a row, clear when it is good/fair again
 * for `OK_SAMPLES_TO_CLEAR` samples in a row.
 */
export const POOR_SAMPLES_TO_WARN = 2
export const OK_SAMPLES_TO_CLEAR = 3

export interface WarningState {
  warning: boolean
  poorRun: number
  okRun: number
}

export const NO_WARNING: WarningState = { warning: false, poorRun: 0, okRun: 0 }

export function nextWarningState(state: WarningState, level: QualityLevel): WarningState {
  if (level === 'poor') {
    const poorRun = state.poorRun + 1
    return { warning: state.warning || poorRun >= POOR_SAMPLES_TO_WARN, poorRun, okRun: 0 }
  }
  const okRun = state.okRun + 1
  return { warning: state.warning && okRun < OK_SAMPLES_TO_CLEAR, poorRun: 0, okRun }
}

/** What the wrap-up shows about the call's audio. */
export interface QualitySummary {
  samples: number
  averageMos: number
  minMos: number
  /** The level of the average MOS. */
  level: QualityLevel
  maxRttMs: number | null
  maxJitterMs: number | null
  /** Average loss 0–1 over the samples. */
  averageLoss: number
  /** Samples that were poor. */
  poorSamples: number
}

export function summarize(samples: readonly QualitySample[]): QualitySummary | null {
  if (samples.length === 0)
    return null
  let sum = 0
  let min = Infinity
  let loss = 0
  let maxRtt: number | null = null
  let maxJitter: number | null = null
  let poor = 0
  for (const s of samples) {
    sum += s.mos
    min = Math.min(min, s.mos)
    loss += s.loss
    if (s.rttMs !== null)
      maxRtt = Math.max(maxRtt ?? 0, s.rttMs)
    if (s.jitterMs !== null)
      maxJitter = Math.max(maxJitter ?? 0, s.jitterMs)
    if (s.level === 'poor')
      poor++
  }
  const averageMos = Math.round(sum / samples.length * 100) / 100
  return {
    samples: samples.length,
    averageMos,
    minMos: min,
    level: qualityLevel(averageMos),
    maxRttMs: maxRtt,
    maxJitterMs: maxJitter,
    averageLoss: loss / samples.length,
    poorSamples: poor,
  }
}

/** "MOS 4.4 · 12 ms RTT · 1.2 ms jitter · 0% loss" */
export function describeSample(sample: Pick<QualitySample, 'mos' | 'rttMs' | 'jitterMs' | 'loss'>): string {
  const parts = [t('quality.mos', { mos: formatDecimal(sample.mos, 1) })]
  if (sample.rttMs !== null)
    parts.push(t('quality.rtt', { ms: formatMilliseconds(Math.round(sample.rttMs)) }))
  if (sample.jitterMs !== null)
    parts.push(t('quality.jitter', { ms: formatMilliseconds(sample.jitterMs, 1) }))
  parts.push(t('quality.loss', { percent: formatLoss(sample.loss) }))
  return parts.join(' · ')
}

/** Loss 0–1 as a percentage in the agent's locale: one decimal under 10 %, whole above. */
export function formatLoss(loss: number): string {
  return formatPercent(loss)
}

/** Reads a number field of a stats record, or null. */
function num(record: Record<string, unknown> | undefined, key: string): number | null {
  const value = record?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/**
 * The audio counters of one `RTCPeerConnection.getStats()` report (its values as plain
 * records): `inbound-rtp` (packets received/lost, jitter), `outbound-rtp` (packets sent),
 * `remote-inbound-rtp` (RTCP round-trip time and the far end's fraction lost) and, when RTCP
 * gives no RTT yet, the selected ICE candidate pair's `currentRoundTripTime`. Seconds become ms.
 */
export function snapshotFromStats(records: Iterable<Record<string, unknown>>, at: number): StatsSnapshot {
  let inbound: Record<string, unknown> | undefined
  let outbound: Record<string, unknown> | undefined
  let remoteInbound: Record<string, unknown> | undefined
  let pair: Record<string, unknown> | undefined
  for (const r of records) {
    const kind = r.kind ?? r.mediaType
    if (r.type === 'inbound-rtp' && kind === 'audio')
      inbound ??= r
    else if (r.type === 'outbound-rtp' && kind === 'audio')
      outbound ??= r
    else if (r.type === 'remote-inbound-rtp' && kind === 'audio')
      remoteInbound ??= r
    else if (r.type === 'candidate-pair' && (r.nominated === true || r.selected === true) && r.state === 'succeeded')
      pair ??= r
  }
  const rttSeconds = num(remoteInbound, 'roundTripTime') ?? num(pair, 'currentRoundTripTime')
  const jitterSeconds = num(inbound, 'jitter')
  return {
    at,
    rttMs: rttSeconds === null ? null : rttSeconds * 1000,
    jitterMs: jitterSeconds === null ? null : jitterSeconds * 1000,
    packetsReceived: num(inbound, 'packetsReceived') ?? 0,
    packetsLost: num(inbound, 'packetsLost') ?? 0,
    packetsSent: num(outbound, 'packetsSent') ?? 0,
    remoteFractionLost: num(remoteInbound, 'fractionLost'),
    remoteReports: num(remoteInbound, 'reportsReceived') ?? 0,
  }
}

/** "Good · average MOS 4.4 (lowest 4.3) · up to 12 ms RTT · 1.0 ms jitter · 0% loss" for the wrap-up. */
export function describeSummary(summary: QualitySummary): string {
  const parts = [qualityLabel(summary.level), t('quality.averageMos', { mos: formatDecimal(summary.averageMos, 1), lowest: formatDecimal(summary.minMos, 1) })]
  if (summary.maxRttMs !== null)
    parts.push(t('quality.maxRtt', { ms: formatMilliseconds(Math.round(summary.maxRttMs)) }))
  if (summary.maxJitterMs !== null)
    parts.push(t('quality.jitter', { ms: formatMilliseconds(summary.maxJitterMs, 1) }))
  parts.push(t('quality.loss', { percent: formatLoss(summary.averageLoss) }))
  return parts.join(' · ')
}
