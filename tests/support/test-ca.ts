import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireBinary } from './mqtt-peers.ts'

export interface CertFiles {
  cert: string
  key: string
}

export interface TestCa {
  dir: string
  /** The CA certificate file (TLS_CA_FILE, and what clients trust). */
  caFile: string
  /** The gateway's certificate for 127.0.0.1 / localhost, signed by the CA. */
  server: CertFiles
  /** A device certificate (CN = device id) signed by this CA. */
  client(commonName: string): CertFiles
  pem(file: string): Buffer
  remove(): void
}

/**
 * A throw-away certificate authority made with Debian's openssl CLI, the way README "TLS" tells a
 * site to make one: EC P-256 keys, two-day certificates, nothing kept.
 */
export function createTestCa(name = 'Firewatch Test CA'): TestCa {
  const openssl = requireBinary('openssl', 'openssl')
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-ca-'))
  const run = (...args: string[]) =>
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run(
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  const issue = (base: string, subject: string, extensions: string): CertFiles => {
    run('req', ...ecKey, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', subject)
    writeFileSync(join(dir, `${base}.ext`), extensions)
    run(
      'x509',
      '-req',
      '-in',
      `${base}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${base}.crt`,
      '-days',
      '2',
      '-extfile',
      `${base}.ext`,
    )
    return { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) }
  }
  const server = issue(
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  )
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    server,
    client: (cn) => issue(`client-${cn}`, `/CN=${cn}`, 'extendedKeyUsage=clientAuth\n'),
    pem: (file) => readFileSync(file),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
