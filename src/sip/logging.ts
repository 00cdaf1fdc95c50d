import type { LogConnector, LogLevel } from 'sip.js'

/** Where the adapter's (already redacted) log lines go. Defaults to the console. */
export type LogSink = (level: LogLevel, line: string) => void

export const consoleSink: LogSink = (level, line) => {
  switch (level) {
    case 'error':
      console.error(line)
      break
    case 'warn':
      console.warn(line)
      break
    case 'log':
      console.log(line)
      break
    default:
      console.debug(line)
  }
}

const REDACTED = '[redacted]'

/**
 * Removes secrets from a log line: the SIP password, TURN credentials, and the digest
 * `response`/`cnonce` of Authorization headers (an offline-crackable hash of the password).
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const words = secrets
    .filter((s): s is string => typeof s === 'string' && s.length > 0)
    .sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const word of words)
      out = out.split(word).join(REDACTED)
    return out.replace(/\b(response|cnonce)="[^"]*"/gi, `$1="${REDACTED}"`)
  }
}

const SEVERITY: Record<LogLevel, number> = { error: 0, warn: 1, log: 2, debug: 3 }

/**
 * A sip.js log connector that drops lines above `maxLevel` (sip.js calls the connector for
 * every level, whatever its `logLevel`) and redacts the rest before they reach the sink.
 */
export function redactingConnector(redact: (text: string) => string, sink: LogSink, maxLevel: LogLevel): LogConnector {
  return (level, category, label, content) => {
    if (SEVERITY[level] > SEVERITY[maxLevel])
      return
    const where = label ? `${category} | ${label}` : category
    sink(level, redact(`[sip] ${where} | ${content}`))
  }
}

/** The adapter's own logger, same redaction and sink as sip.js's. */
export interface AdapterLogger {
  warn: (message: string, error?: unknown) => void
  error: (message: string, error?: unknown) => void
}

export function adapterLogger(redact: () => (text: string) => string, sink: LogSink): AdapterLogger {
  const line = (message: string, error?: unknown) => {
    const detail = error === undefined ? '' : `: ${error instanceof Error ? error.message : String(error)}`
    return redact()(`[sip] softphone | ${message}${detail}`)
  }
  return {
    warn: (message, error) => sink('warn', line(message, error)),
    error: (message, error) => sink('error', line(message, error)),
  }
}
