export declare const API_KEY_ENV: string
export declare const DEFAULT_API_URL: string
export declare const SIZE_LIMITS: Readonly<{ min: number, max: number }>
export declare const RATE_LIMIT: Readonly<{ retries: number, maxWaitSeconds: number }>
export declare class UsageError extends Error {
  problems: string[]
}
export declare class HubSpotError extends Error {
  status: number | null
}
export interface SettingsRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  body?: Record<string, unknown>
}
export declare function buildRequest(action: string, options: Record<string, unknown>): SettingsRequest
export declare function retryAfterMs(value: string | null | undefined, now?: number): number | null
export declare function redact(text: string, apiKey: string | undefined): string
export declare function describeError(status: number, statusText: string, text: string): string
export declare function describeLayout(settings: Record<string, unknown>): string
export declare function formatSettings(settings: unknown): string
export interface SendOptions {
  apiKey: string
  apiUrl?: string
  fetchImpl?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  log?: (line: string) => void
}
export declare function send(request: SettingsRequest, options: SendOptions): Promise<{ status: number, body: unknown }>
