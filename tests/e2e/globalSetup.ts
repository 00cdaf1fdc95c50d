/**
 * Brings up what the end-to-end tests need, or fails loudly saying why:
 * Debian's chromium, debootstrap, nftables, nginx, certutil and openssl (installed with apt
 * when we are root; apt's policy-rc.d decides whether nginx's own service starts),
 * the Asterisk test PBX, and a Vite dev server serving the softphone and the
 * HubSpot host simulator.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'vite'
import type { TestProject } from 'vitest/node'
import { pbxDown, pbxStatus, pbxUp } from '../../pbx/control'
import { CHROMIUM_PATH } from './chromium.mjs'

export const E2E_PORT = Number(process.env.E2E_PORT ?? 5199)

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

function ensureSystemPackages(): void {
  const missing = [
    ['chromium', CHROMIUM_PATH],
    ['debootstrap', '/usr/sbin/debootstrap'],
    // faults.e2e.ts: a loopback-only rule that makes ICE fail
    ['nftables', '/usr/sbin/nft'],
    // production.e2e.ts: the build behind nginx over TLS, a throw-away CA in an NSS db
    ['nginx', '/usr/sbin/nginx'],
    ['libnss3-tools', '/usr/bin/certutil'],
    ['openssl', '/usr/bin/openssl'],
  ].filter(([, path]) => !existsSync(path!)).map(([pkg]) => pkg!)
  if (missing.length === 0)
    return
  if (process.getuid?.() !== 0)
    throw new Error(`End-to-end tests need the Debian packages ${missing.join(', ')}; install them (sudo apt-get install ${missing.join(' ')}) or run as root.`)
  console.log(`[e2e] installing ${missing.join(', ')} with apt-get …`)
  execFileSync('apt-get', ['update'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureSystemPackages()
  const pbxWasRunning = (await pbxStatus()).running
  await pbxUp()
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    // No HMR: an edit to the source mid-run must not reload the pages under test.
    server: { host: '127.0.0.1', port: E2E_PORT, strictPort: true, hmr: false, watch: null },
  })
  await server.listen()
  project.provide('baseUrl', `http://127.0.0.1:${E2E_PORT}`)
  return async () => {
    await server.close()
    if (!pbxWasRunning)
      await pbxDown()
  }
}
