/** Types of bench/profile.mjs (the bench's CPU-profile summary). */

export interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number, scriptId: string }
export interface ProfileNode { id: number, callFrame: CallFrame, children?: number[] }
/** A DevTools `Profiler.Profile`: times in µs of the renderer's monotonic clock. */
export interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }
export interface TimeWindow { from: number, to: number }
export interface OriginalPosition { file: string, line: number, name: string }
export interface FunctionTime { name: string, file: string, line: number, group: string, ms: number }
export interface ProfileSummary {
  windows: number
  windowMs: number
  busyMs: number
  ownMs: number
  groups: { group: string, ms: number }[]
  functions: FunctionTime[]
}

export function groupOf(source: string): string
export function isOwnCode(group: string): boolean
export function sampleTimes(profile: CpuProfile): { nodeId: number, at: number, us: number }[]
export function summarizeProfile(profile: CpuProfile, windows: TimeWindow[], resolve: (frame: CallFrame) => OriginalPosition): ProfileSummary
export function ownCodeTotal(summary: ProfileSummary): number
export function cutAtMarker(profile: CpuProfile, windows: TimeWindow[], isMarker: (frame: CallFrame) => boolean): (TimeWindow & { cut: boolean })[]
