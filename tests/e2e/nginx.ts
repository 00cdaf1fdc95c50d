/**
 * Debian's nginx running the README's server block (between `<!-- nginx:start -->` and
 * `<!-- nginx:end -->` in *Registering the app in HubSpot*), so the block admins copy is the
 * block the tests run. Only the example's names are replaced: the listen address, the host
 * name, the certificate, the root, and `http://127.0.0.1:*` added to frame-ancestors for the
 * simulator that plays HubSpot. nginx runs in the foreground as a child of the test, with its
 * pid file, logs and temp files in the test's directory.
 */
import type { ChildProcess } from 'node:child_process'
import { execFile, spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { join } from 'node:path'
import { promisify } from 'node:util'

export const NGINX_PATH = '/usr/sbin/nginx'
/** The example names the README's block uses. */
export const README_HOST = 'softphone.example.com'

/** The README's nginx server block, as written. */
export async function readmeServerBlock(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const match = /<!-- nginx:start -->\s*```nginx\n([\s\S]*?)```\s*<!-- nginx:end -->/.exec(readme)
  if (!match)
    throw new Error('README.md has no ```nginx block between <!-- nginx:start --> and <!-- nginx:end -->')
  return match[1]!
}

/** Replaces one example value of the README's block, failing loudly when it is not there. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from))
    throw new Error(`The README's nginx block no longer contains ${JSON.stringify(from)}: update tests/e2e/nginx.ts`)
  return text.split(from).join(to)
}

export interface NginxSite {
  port: number
  root: string
  certificate: string
  key: string
  /** Extra frame-ancestors, before HubSpot's (the simulator's origin). */
  frameAncestors: string[]
}

export function localServerBlock(block: string, site: NginxSite): string {
  let local = block
  local = replaceOnce(local, '    listen 443 ssl;\n', `    listen 127.0.0.1:${site.port} ssl;\n`)
  local = replaceOnce(local, '    listen [::]:443 ssl;\n', '')
  local = replaceOnce(local, `wss://${README_HOST}`, `wss://localhost:${site.port}`)
  local = replaceOnce(local, `server_name ${README_HOST};`, 'server_name localhost;')
  local = replaceOnce(local, '/etc/ssl/softphone/fullchain.pem', site.certificate)
  local = replaceOnce(local, '/etc/ssl/softphone/privkey.pem', site.key)
  local = replaceOnce(local, 'root /var/www/softphone;', `root ${site.root};`)
  local = replaceOnce(local, 'frame-ancestors ', `frame-ancestors ${site.frameAncestors.join(' ')} `)
  return local
}

export interface RunningNginx {
  origin: string
  accessLog: string
  errorLog: string
  stop: () => Promise<void>
}

/** Writes nginx.conf around the server block into `dir`, checks it (`nginx -t`) and starts nginx. */
export async function startNginx(dir: string, serverBlock: string, port: number, caFile: string): Promise<RunningNginx> {
  const accessLog = join(dir, 'access.log')
  const errorLog = join(dir, 'error.log')
  const conf = join(dir, 'nginx.conf')
  await writeFile(conf, `# written by tests/e2e/nginx.ts
daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${errorLog} warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log ${accessLog};
    client_body_temp_path ${join(dir, 'client_body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
${serverBlock}
}
`)
  await promisify(execFile)(NGINX_PATH, ['-t', '-q', '-p', dir, '-e', errorLog, '-c', conf])
  const child: ChildProcess = spawn(NGINX_PATH, ['-p', dir, '-e', errorLog, '-c', conf], { stdio: ['ignore', 'inherit', 'inherit'] })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const origin = `https://localhost:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT') // graceful: finish open requests, then exit
      await exited
    }
  }
  // nginx has no readiness signal in the foreground: ready once it answers over TLS.
  const deadline = Date.now() + 15_000
  for (;;) {
    const status = await httpsGet(`${origin}/`, caFile).then(r => r.status, () => 0)
    if (status === 200)
      break
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`nginx did not answer on ${origin} (last status ${status}); see ${errorLog}:\n${await readFile(errorLog, 'utf8').catch(() => '')}`)
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return { origin, accessLog, errorLog, stop }
}

export interface HttpsAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** GET over TLS trusting only the throw-away CA (Node's fetch cannot be given a CA). */
export function httpsGet(url: string, caFile: string): Promise<HttpsAnswer> {
  return readFile(caFile).then(ca => new Promise<HttpsAnswer>((resolve, reject) => {
    request(url, { ca, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    }).on('error', reject).end()
  }))
}
