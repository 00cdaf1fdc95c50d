/**
 * Call quality: the answered call's RTP statistics (getStats) as the domain's snapshot.
 */
import { snapshotFromStats } from '@/domain/quality'
import type { StatsSnapshot } from '@/domain/quality'
import type { PhoneContext } from './phoneContext'

export function createStatsSampler(ctx: PhoneContext): () => Promise<StatsSnapshot | null> {
  return async function sampleStats(): Promise<StatsSnapshot | null> {
    const call = ctx.current
    if (!call || call.ended || !call.answered || !call.sdh)
      return null
    const report = await call.sdh.stats().catch(() => null)
    if (!report)
      return null
    const entries: Array<Record<string, unknown>> = []
    report.forEach((value: unknown) => {
      if (value && typeof value === 'object')
        entries.push(value as Record<string, unknown>)
    })
    return snapshotFromStats(entries, Date.now())
  }
}
