/**
 * Call timer text. Lives here rather than in a component so the running timer
 * and the wrap-up summary can never disagree about rounding.
 */

/** `ms` as m:ss, or h:mm:ss from one hour. Whole seconds, rounded down; garbage shows as 0:00. */
export function formatDuration(ms: number): string {
  const totalSeconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  const ss = String(seconds).padStart(2, '0')
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`
  return `${minutes}:${ss}`
}
