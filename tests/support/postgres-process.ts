import { execFile, execFileSync } from 'node:child_process'
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './free-port.ts'

const run = promisify(execFile)

/** Where Debian's postgresql-<major> packages put their programs (initdb, pg_ctl, postgres). */
const PG_LIB = '/usr/lib/postgresql'

/**
 * Debian's PostgreSQL 15 (the release of Debian 12's `postgresql`) when installed, else the newest
 * major installed; null without any.
 */
export function postgresBinDir(): string | null {
  if (!existsSync(PG_LIB)) return null
  const majors = readdirSync(PG_LIB)
    .filter((v) => existsSync(join(PG_LIB, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  const major = majors.includes('15') ? '15' : majors[0]
  return major ? join(PG_LIB, major, 'bin') : null
}

/** A throw-away PostgreSQL cluster (initdb) on a free loopback port, in a temp dir. */
export interface PostgresProcess {
  /** postgres://postgres@127.0.0.1:port/postgres: trust authentication, loopback only. */
  url: string
  /** SIGKILL to the postmaster and every backend, as a crash; resolves once all are gone. */
  kill(): Promise<void>
  /** Starts it again after kill(), same port and data: it runs crash recovery first. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startPostgresProcess(bin: string): Promise<PostgresProcess> {
  const dir = ownedByPostgres(mkdtempSync(join(tmpdir(), 'firewatch-postgres-')))
  const data = join(dir, 'data')
  try {
    await asPostgres(bin, 'initdb', [
      ...['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'],
      // --no-sync: a test cluster need not survive a power cut, and initdb takes half the time.
      ...['--no-sync', '--no-instructions'],
    ])
    appendFileSync(join(data, 'postgresql.conf'), SETTINGS)
    return await supervise(bin, dir, await startOnFreePort(bin, dir))
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

// fsync and full_page_writes only matter when the machine (not the server) crashes, so a test
// cluster runs without them. synchronous_commit stays on: a COMMIT that returned must survive a
// kill -9 of the server, which the crash tests do. No Unix socket: clients use loopback TCP.
const SETTINGS = `
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
full_page_writes = off
max_connections = 100
`

async function startOnFreePort(bin: string, dir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      await pgCtlStart(bin, dir, port)
      return port
    } catch (err) {
      // Most likely the port was taken between freePort() and the server binding it.
      if (attempt === 3) throw err
    }
  }
}

async function supervise(bin: string, dir: string, port: number): Promise<PostgresProcess> {
  const data = join(dir, 'data')
  const onExit = () => killGroupNow(data)
  process.once('exit', onExit)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill: () => killServer(data),
    restart: () => pgCtlStart(bin, dir, port),
    async stop() {
      process.off('exit', onExit)
      await asPostgres(bin, 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined)
      await killServer(data)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function pgCtlStart(bin: string, dir: string, port: number): Promise<void> {
  const log = join(dir, 'postgres.log')
  const args = ['start', '-w', '-t', '20', '-D', join(dir, 'data'), '-l', log, '-o', `-p ${port}`]
  try {
    await asPostgres(bin, 'pg_ctl', args)
  } catch (err) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
    throw new Error(`pg_ctl start on port ${port} failed: ${(err as Error).message}\n${tail}`)
  }
}

/**
 * Runs a PostgreSQL program as the postgres user when the tests run as root (the server refuses
 * to run as root); as the current user otherwise.
 */
async function asPostgres(bin: string, program: string, args: string[]): Promise<void> {
  const path = join(bin, program)
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args])
  else await run(path, args)
}

/** As root, hands the temp dir to the postgres user, who runs the server and writes its files. */
function ownedByPostgres(dir: string): string {
  if (process.getuid?.() !== 0) return dir
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  chownSync(dir, id('-u'), id('-g'))
  return dir
}

/** The postmaster's pid: the first line of postmaster.pid, while the server runs (or was killed). */
function postmasterPid(data: string): number | null {
  const file = join(data, 'postmaster.pid')
  if (!existsSync(file)) return null
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

// pg_ctl starts the postmaster in a session of its own (setsid), so its process group is the
// postmaster and its backends: one signal to the group kills them all, as a crash would.
function killGroupNow(data: string): number | null {
  const pid = postmasterPid(data)
  if (pid === null) return null
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
  return pid
}

async function killServer(data: string): Promise<void> {
  const pid = killGroupNow(data)
  if (pid === null) return
  const deadline = performance.now() + 10_000
  while (performance.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 20))
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}
