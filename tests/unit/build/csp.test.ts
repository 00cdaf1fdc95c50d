/**
 * The production policy, and the production build itself: the built index.html must
 * run under `script-src 'self'` (no inline script, no inline handlers).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, websocketSource } from '@/domain/csp'

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy({ pbxUrls: ['wss://pbx.example.com:8089/ws'] })
  const directive = (name: string) => csp.split('; ').find(d => d.startsWith(`${name} `))

  it('allows no inline or foreign script and connects only to itself and the PBX', () => {
    expect(directive('script-src')).toBe("script-src 'self'")
    expect(directive('default-src')).toBe("default-src 'none'")
    expect(directive('connect-src')).toBe("connect-src 'self' wss://pbx.example.com:8089")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
  })

  it('lets only HubSpot frame the page by default', () => {
    expect(directive('frame-ancestors')).toBe('frame-ancestors https://app.hubspot.com https://app-eu1.hubspot.com https://app-na2.hubspot.com https://app-ap1.hubspot.com')
  })

  it('takes the WebSocket origin of the PBX URL and refuses anything else', () => {
    expect(websocketSource('wss://PBX.example.com/ws?x=1')).toBe('wss://pbx.example.com')
    expect(() => websocketSource('https://pbx.example.com')).toThrow('not a ws:// or wss:// URL')
  })
})

describe('the production build', () => {
  it('has no inline script in index.html', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'softphone-build-'))
    try {
      await promisify(execFile)('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { timeout: 120_000 })
      const html = await readFile(join(outDir, 'index.html'), 'utf8')
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
      expect(scripts.length).toBeGreaterThan(0)
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\bsrc=/)
        expect(body?.trim()).toBe('')
      }
      expect(html).not.toMatch(/\son[a-z]+\s*=/i)
      expect(html).not.toMatch(/<style\b/i)
      expect(await readdir(outDir)).not.toContain('config.json')
    }
    finally {
      await rm(outDir, { recursive: true, force: true })
    }
  }, 150_000)
})
