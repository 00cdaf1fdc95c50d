import { describe, expect, it } from 'vitest'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import { describeSources, loadConfig } from '@/config/loadConfig'
import { mountWith } from './components/mountWith'

const location = { href: 'https://softphone.example.com/widget/', search: '', hostname: 'softphone.example.com' }

function serve(status: number, body: string, contentType = 'application/json'): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    expect(String(input)).toBe('https://softphone.example.com/widget/config.json')
    return new Response(body, { status, headers: { 'Content-Type': contentType } })
  }) as typeof fetch
}

/** What nginx's `try_files $uri /index.html` and `vite preview` answer for a missing config.json. */
const SPA_FALLBACK = '<!doctype html>\n<html lang="en"><head><meta charset="UTF-8"><title>Softphone</title></head><body><div id="app"></div></body></html>\n'
const COMPLETE_QUERY = '?pbxUrl=wss://pbx.example.com/ws&sipDomain=pbx.example.com'

describe('loadConfig', () => {
  it('reads config.json next to index.html', async () => {
    const result = await loadConfig(location, serve(200, JSON.stringify({ pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com' })))
    expect(result).toMatchObject({ ok: true, config: { pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com', ringTimeoutSeconds: 45 } })
  })

  it('lets the URL query override the file', async () => {
    const result = await loadConfig({ ...location, search: '?sipDomain=other.example.com&ringTimeoutSeconds=20' },
      serve(200, JSON.stringify({ pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com' })))
    expect(result).toMatchObject({ ok: true, config: { sipDomain: 'other.example.com', ringTimeoutSeconds: 20 } })
  })

  it('works from the query alone when there is no config.json', async () => {
    const result = await loadConfig({ ...location, search: '?pbxUrl=wss://pbx.example.com/ws&sipDomain=pbx.example.com' }, serve(404, 'not found'))
    expect(result.ok).toBe(true)
  })

  it('treats the SPA fallback (index.html for a missing config.json) as no file: the complete query decides', async () => {
    const result = await loadConfig({ ...location, search: COMPLETE_QUERY }, serve(200, SPA_FALLBACK, 'text/html'))
    expect(result).toMatchObject({ ok: true, config: { pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com' } })
    expect(result.sources).toEqual({ file: 'html', query: ['pbxUrl', 'sipDomain'] })
  })

  it('recognises an HTML page by its body when the server mislabels it', async () => {
    const result = await loadConfig({ ...location, search: COMPLETE_QUERY }, serve(200, `\uFEFF  ${SPA_FALLBACK}`, 'application/octet-stream'))
    expect(result.ok).toBe(true)
    expect(result.sources.file).toBe('html')
  })

  it('names the missing fields, not config.json, when the fallback page is all there is', async () => {
    const result = await loadConfig(location, serve(200, SPA_FALLBACK, 'text/html; charset=utf-8'))
    expect(!result.ok && result.errors.map(e => e.field)).toEqual(['pbxUrl', 'sipDomain'])
    expect(result.sources).toEqual({ file: 'html', query: [] })
  })

  it('names the missing fields when there is nothing to go on', async () => {
    const result = await loadConfig(location, serve(404, 'not found'))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.errors.map(e => e.field)).toEqual(['pbxUrl', 'sipDomain'])
  })

  it('says config.json is broken rather than pretending it is absent', async () => {
    const result = await loadConfig({ ...location, search: COMPLETE_QUERY }, serve(200, '{ not json'))
    expect(!result.ok && result.errors[0]).toEqual({ field: 'config.json', message: 'config.json is not valid JSON.' })
    expect(result.sources).toEqual({ file: 'broken', query: ['pbxUrl', 'sipDomain'] })
  })

  it('records which source was used', async () => {
    const file = JSON.stringify({ pbxUrl: 'wss://pbx.example.com/ws', sipDomain: 'pbx.example.com' })
    expect((await loadConfig(location, serve(200, file))).sources).toEqual({ file: 'loaded', query: [] })
    expect((await loadConfig({ ...location, search: '?debug=1&utm_source=x&sipDomain=a.example.com' }, serve(200, file))).sources)
      .toEqual({ file: 'loaded', query: ['sipDomain', 'debug'] })
    expect((await loadConfig({ ...location, search: COMPLETE_QUERY }, serve(404, 'not found', 'text/plain'))).sources)
      .toEqual({ file: 'absent', query: ['pbxUrl', 'sipDomain'] })
  })

  it('reports a server error loading config.json', async () => {
    const result = await loadConfig(location, serve(500, 'oops'))
    expect(!result.ok && result.errors[0]?.message).toBe('config.json could not be loaded (HTTP 500).')
  })
})

describe('describeSources', () => {
  it.each([
    [{ file: 'loaded', query: [] }, 'Settings read from config.json; the widget URL\'s query sets none.'],
    [{ file: 'loaded', query: ['sipDomain'] }, 'Settings read from config.json, overridden by the widget URL\'s query (sipDomain).'],
    [{ file: 'absent', query: ['pbxUrl', 'sipDomain'] }, 'Settings read from the widget URL\'s query (pbxUrl, sipDomain); there is no config.json (not found).'],
    [{ file: 'html', query: ['pbxUrl'] }, 'Settings read from the widget URL\'s query (pbxUrl); config.json counts as absent: the server answered with a web page (its fallback for a missing file).'],
    [{ file: 'absent', query: [] }, 'No settings found: there is no config.json (not found), and the widget URL\'s query sets none.'],
    [{ file: 'broken', query: ['pbxUrl'] }, 'config.json could not be used; the widget URL\'s query (pbxUrl) was read.'],
    [{ file: 'broken', query: [] }, 'config.json could not be used, and the widget URL\'s query sets nothing.'],
  ] as const)('%o', (sources, sentence) => {
    expect(describeSources({ file: sources.file, query: [...sources.query] })).toBe(sentence)
  })
})

describe('ConfigErrorScreen', () => {
  it('lists every field that is wrong, readable, as an alert', () => {
    const { wrapper } = mountWith(ConfigErrorScreen, {
      props: { errors: [{ field: 'pbxUrl', message: 'must use wss:// outside localhost.' }, { field: 'sipDomain', message: 'is required.' }] },
    })
    expect(wrapper.find('h1').text()).toBe('The softphone needs setting up')
    expect(wrapper.find('[role="alert"]').findAll('li').map(li => li.text())).toEqual([
      'pbxUrl: must use wss:// outside localhost.',
      'sipDomain: is required.',
    ])
  })

  it('says which source the settings were read from', () => {
    const { wrapper } = mountWith(ConfigErrorScreen, {
      props: { errors: [{ field: 'sipDomain', message: 'is required.' }], sources: describeSources({ file: 'html', query: ['pbxUrl'] }) },
    })
    expect(wrapper.find('[data-testid="config-sources"]').text()).toBe(describeSources({ file: 'html', query: ['pbxUrl'] }))
  })
})
