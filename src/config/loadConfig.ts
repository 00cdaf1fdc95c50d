/**
 * Run-time configuration: `config.json` next to index.html, overridden by the
 * URL's query (an admin registers one widget URL per HubSpot portal).
 *
 * A `config.json` that is missing counts as absent, and so does one the server
 * answers with an HTML page: static hosts (nginx's `try_files … /index.html`,
 * `vite preview`) answer a missing file with the SPA's index.html. The query then
 * decides. A file that is there but broken (not JSON, a server error) is reported.
 */
import type { AppConfig } from '@/domain/config'
import { parseConfig } from '@/domain/config'
import { t } from '@/i18n'

/** The query parameters a widget URL may set (README, "Configuration"). */
export const QUERY_FIELDS = ['pbxUrl', 'sipDomain', 'iceServers', 'defaultCountry', 'ringTimeoutSeconds', 'debug', 'dtmfMode', 'locale'] as const

/**
 * Where the settings came from, for the setup screen.
 * - `file`: `loaded` (JSON read), `absent` (404), `html` (an HTML page instead: the
 *   host's SPA fallback for a missing file), `broken` (not JSON, or HTTP/network error).
 * - `query`: the configuration fields set in the URL's query, in `QUERY_FIELDS` order.
 */
export interface ConfigSources {
  file: 'loaded' | 'absent' | 'html' | 'broken'
  query: string[]
}

export type LoadedConfig =
  | { ok: true, config: AppConfig, sources: ConfigSources }
  | { ok: false, errors: { field: string, message: string }[], sources: ConfigSources }

/** True for a body that is an HTML page (JSON never starts with `<`). */
function isHtml(contentType: string | null, body: string): boolean {
  return /\btext\/html\b/i.test(contentType ?? '') || body.replace(/^\uFEFF/, '').trimStart().startsWith('<')
}

export async function loadConfig(
  location: Pick<Location, 'href' | 'search' | 'hostname'>,
  fetchImpl: typeof fetch = fetch,
): Promise<LoadedConfig> {
  const query = new URLSearchParams(location.search)
  const queryFields = QUERY_FIELDS.filter(field => query.has(field))
  let file: unknown = null
  let fileState: ConfigSources['file'] = 'absent'
  let fileError: string | null = null
  try {
    const response = await fetchImpl(new URL('config.json', location.href), { cache: 'no-store' })
    if (response.ok) {
      const body = await response.text()
      if (isHtml(response.headers.get('content-type'), body)) {
        fileState = 'html'
      }
      else {
        try {
          file = JSON.parse(body)
          fileState = 'loaded'
        }
        catch {
          fileState = 'broken'
          fileError = t('config.notJson')
        }
      }
    }
    else if (response.status !== 404) {
      fileState = 'broken'
      fileError = t('config.httpError', { status: response.status })
    }
  }
  catch {
    fileState = 'broken'
    fileError = t('config.notLoaded')
  }
  const sources: ConfigSources = { file: fileState, query: queryFields }
  const parsed = parseConfig(file, query, { hostname: location.hostname })
  if (fileError) {
    const errors = parsed.ok ? [] : parsed.errors
    return { ok: false, errors: [{ field: 'config.json', message: fileError }, ...errors], sources }
  }
  return { ...parsed, sources }
}

/** One sentence for the setup screen: which source the settings were read from. */
export function describeSources(sources: ConfigSources): string {
  const query = sources.query.length > 0 ? t('setup.query', { fields: sources.query.join(', ') }) : null
  switch (sources.file) {
    case 'loaded':
      return query ? t('setup.fileOverridden', { query }) : t('setup.fileOnly')
    case 'broken':
      return query ? t('setup.brokenWithQuery', { query }) : t('setup.brokenNoQuery')
    case 'absent':
    case 'html': {
      const file = sources.file === 'html' ? t('setup.fileHtml') : t('setup.fileAbsent')
      return query ? t('setup.queryOnly', { query, file }) : t('setup.nothing', { file })
    }
  }
}
