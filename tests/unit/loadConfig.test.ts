import { describe, expect, it } from 'vitest'
import ConfigErrorScreen from '@/components/ConfigErrorScreen.vue'
import { loadConfig } from '@/config/loadConfig'
import { mountWith } from './components/mountWith'

const location = { href: 'https://softphone.example.com/widget/', search: '', hostname: 'softphone.example.com' }

function serve(status: number, body: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    expect(String(input)).toBe('https://softphone.example.com/widget/config.json')
    return new Response(body, { status })
  }) as typeof fetch
}

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

  it('names the missing fields when there is nothing to go on', async () => {
    const result = await loadConfig(location, serve(404, 'not found'))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.errors.map(e => e.field)).toEqual(['pbxUrl', 'sipDomain'])
  })

  it('says config.json is broken rather than pretending it is absent', async () => {
    const result = await loadConfig(location, serve(200, '{ not json'))
    expect(!result.ok && result.errors[0]).toEqual({ field: 'config.json', message: 'config.json is not valid JSON.' })
  })

  it('reports a server error loading config.json', async () => {
    const result = await loadConfig(location, serve(500, 'oops'))
    expect(!result.ok && result.errors[0]?.message).toBe('config.json could not be loaded (HTTP 500).')
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
})
