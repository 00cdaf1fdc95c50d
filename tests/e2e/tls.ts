/**
 * A throw-away certificate authority for one test run, trusted by one Chromium only.
 *
 * openssl makes a CA (P-256, valid one day) and a server certificate it signs for `localhost`
 * and 127.0.0.1. The CA goes into an NSS database under a home directory of its own
 * (`<dir>/home/.pki/nssdb`, where Chromium on Linux reads the user's trusted CAs); a Chromium
 * launched with that `HOME` verifies the server normally (chain, name, dates, usages) and trusts
 * the CA. Nothing is added to the machine's trust store, no certificate error is ignored, and
 * every other process, other Chromiums included, still refuses the certificate.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ThrowAwayPki {
  /** PEM of the CA, for Node clients (`https.request({ ca })`). */
  caFile: string
  /** The server's certificate followed by the CA's (what nginx's ssl_certificate wants). */
  fullchainFile: string
  keyFile: string
  /** Launch Chromium with `env: { ...process.env, HOME: chromiumHome }` to trust the CA. */
  chromiumHome: string
}

export async function makeThrowAwayPki(dir: string): Promise<ThrowAwayPki> {
  await mkdir(dir, { recursive: true })
  const f = (name: string) => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1',
    '-subj', '/CN=hubspot-sip-softphone e2e throw-away CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  await run('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost'])
  await writeFile(f('server.ext'), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ].join('\n'))
  const { stdout: serial } = await run('openssl', ['rand', '-hex', '16'])
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'),
    '-set_serial', `0x${serial.trim()}`, '-days', '1', '-extfile', f('server.ext'), '-out', f('server.pem')])
  await writeFile(f('fullchain.pem'), (await readFile(f('server.pem'), 'utf8')) + (await readFile(f('ca.pem'), 'utf8')))

  const home = f('home')
  const nssdb = `sql:${join(home, '.pki', 'nssdb')}`
  await mkdir(join(home, '.pki', 'nssdb'), { recursive: true })
  await run('certutil', ['-N', '-d', nssdb, '--empty-password'])
  // C,, = a trusted CA for TLS server certificates (not for e-mail or code signing).
  await run('certutil', ['-A', '-d', nssdb, '-t', 'C,,', '-n', 'hubspot-sip-softphone e2e CA', '-i', f('ca.pem')])
  return { caFile: f('ca.pem'), fullchainFile: f('fullchain.pem'), keyFile: f('server.key'), chromiumHome: home }
}
