/**
 * Run-time configuration: `config.json` next to index.html, overridden by the
 * URL's query (an admin registers one widget URL per HubSpot portal).
 */
import type { AppConfig } from '@/domain/config'
import { parseConfig } from '@/domain/config'

export type LoadedConfig =
  | { ok: true, config: AppConfig }
  | { ok: false, errors: { field: string, message: string }[] }

export async function loadConfig(
  location: Pick<Location, 'href' | 'search' | 'hostname'>,
  fetchImpl: typeof fetch = fetch,
): Promise<LoadedConfig> {
  let file: unknown = null
  let fileError: string | null = null
  try {
    const response = await fetchImpl(new URL('config.json', location.href), { cache: 'no-store' })
    if (response.ok) {
      try {
        file = await response.json()
      }
      catch {
        fileError = 'config.json is not valid JSON.'
      }
    }
    else if (response.status !== 404) {
      fileError = `config.json could not be loaded (HTTP ${response.status}).`
    }
  }
  catch {
    fileError = 'config.json could not be loaded.'
  }
  const parsed = parseConfig(file, new URLSearchParams(location.search), { hostname: location.hostname })
  if (fileError) {
    const errors = parsed.ok ? [] : parsed.errors
    return { ok: false, errors: [{ field: 'config.json', message: fileError }, ...errors] }
  }
  return parsed
}
