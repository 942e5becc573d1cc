import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AIOSMTPD, aiosmtpdInstalled, startAiosmtpd } from './aiosmtpd-process.ts'
import { reachableContainerRuntime } from './container-runtime.ts'

/** One message as the server stored it: envelope sender and recipients, and the RFC 5322 text. */
export interface StoredMail {
  from: string
  to: string[]
  /** Headers (the server's own, such as X-RcptTo, included), blank line, body; CRLF line ends. */
  data: string
}

/** A real SMTP server for the report e-mail tests, with a way to read back what it accepted. */
export interface SmtpServerUnderTest {
  /** Where it came from: SMTP_TEST_URL, testcontainers (axllent/mailpit) or Debian's aiosmtpd. */
  kind: 'env' | 'container' | 'aiosmtpd'
  host: string
  port: number
  /** The messages accepted since start, oldest first. */
  received(): Promise<StoredMail[]>
  stop(): Promise<void>
}

const MAILPIT = 'axllent/mailpit:v1.24'

const HOW_TO_GET_ONE = [
  'set SMTP_TEST_URL=smtp://host:port and SMTP_TEST_MAILDIR to the Maildir that server delivers to',
  `or make a container runtime available to testcontainers (Docker: image ${MAILPIT})`,
  "or install Debian's python3-aiosmtpd (scripts/install-test-deps.sh does it)",
].join('; ')

/**
 * Picks the SMTP server for a test, in this order: SMTP_TEST_URL (with SMTP_TEST_MAILDIR) from the
 * environment, testcontainers when a container runtime answers, Debian's aiosmtpd on a free
 * loopback port with a temp Maildir. With none of them the test fails, saying how to get one.
 */
export async function startSmtpServer(): Promise<SmtpServerUnderTest> {
  const tried: string[] = []
  if (process.env.SMTP_TEST_URL)
    return fromEnvironment(process.env.SMTP_TEST_URL, process.env.SMTP_TEST_MAILDIR)
  const container = await startMailpit(tried)
  if (container) return container
  if (aiosmtpdInstalled()) return fromAiosmtpd()
  tried.push(`${AIOSMTPD}: not installed`)
  throw new Error(`no SMTP server for the report e-mail tests (${tried.join('; ')}): ${HOW_TO_GET_ONE}`)
}

function fromEnvironment(url: string, maildir: string | undefined): SmtpServerUnderTest {
  const parsed = new URL(url)
  if (parsed.protocol !== 'smtp:' || !parsed.port)
    throw new Error(`SMTP_TEST_URL=${url}: want smtp://host:port`)
  if (!maildir || !existsSync(join(maildir, 'new'))) {
    throw new Error(
      `SMTP_TEST_URL is set but SMTP_TEST_MAILDIR (${maildir}) is no Maildir: ${HOW_TO_GET_ONE}`,
    )
  }
  // The Maildir may hold earlier messages: only those that arrive after start count.
  const before = new Set(maildirFiles(maildir))
  return {
    kind: 'env',
    host: parsed.hostname,
    port: Number(parsed.port),
    received: async () => readMaildir(maildir, before),
    stop: async () => {},
  }
}

async function fromAiosmtpd(): Promise<SmtpServerUnderTest> {
  const server = await startAiosmtpd()
  return {
    kind: 'aiosmtpd',
    host: server.host,
    port: server.port,
    received: async () => readMaildir(server.maildir, new Set()),
    stop: () => server.stop(),
  }
}

async function startMailpit(tried: string[]): Promise<SmtpServerUnderTest | null> {
  const reachable = await reachableContainerRuntime(tried)
  if (!reachable) return null
  const { tc } = reachable
  const started = await new tc.GenericContainer(MAILPIT)
    .withExposedPorts(1025, 8025)
    .withWaitStrategy(tc.Wait.forHttp('/readyz', 8025).forStatusCode(200))
    .start()
  const api = `http://${started.getHost()}:${started.getMappedPort(8025)}/api/v1`
  return {
    kind: 'container',
    host: started.getHost(),
    port: started.getMappedPort(1025),
    received: () => mailpitMessages(api),
    stop: async () => void (await started.stop()),
  }
}

interface MailpitAddress {
  Address: string
}
interface MailpitSummary {
  ID: string
  From: MailpitAddress
  To: MailpitAddress[] | null
  Cc: MailpitAddress[] | null
  // Mailpit lists envelope recipients that are in no header here.
  Bcc: MailpitAddress[] | null
}

async function mailpitMessages(api: string): Promise<StoredMail[]> {
  const list = (await getOk(`${api}/messages?limit=1000`).then((r) => r.json())) as {
    messages: MailpitSummary[]
  }
  // Newest first in the API: turned round to arrival order.
  const summaries = list.messages.slice().reverse()
  return Promise.all(
    summaries.map(async (m) => ({
      from: m.From.Address,
      to: [...(m.To ?? []), ...(m.Cc ?? []), ...(m.Bcc ?? [])].map((a) => a.Address),
      data: crlf(await getOk(`${api}/message/${m.ID}/raw`).then((r) => r.text())),
    })),
  )
}

async function getOk(url: string): Promise<Response> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`)
  return res
}

/** The messages in new/ and cur/ not in `skip`, in delivery order. */
function readMaildir(maildir: string, skip: Set<string>): StoredMail[] {
  return maildirFiles(maildir)
    .filter((f) => !skip.has(f))
    .sort(byDelivery)
    .map((f) => stored(readFileSync(join(maildir, f), 'utf8')))
}

function maildirFiles(maildir: string): string[] {
  return ['new', 'cur'].flatMap((sub) => readdirSync(join(maildir, sub)).map((name) => join(sub, name)))
}

// Maildir names from Python's mailbox module: <seconds>.M<microseconds>P<pid>Q<counter>.<host>
const MAILDIR_NAME = /^(\d+)\.M(\d+)P\d+Q(\d+)\./
function byDelivery(a: string, b: string): number {
  const ka = MAILDIR_NAME.exec(a.slice(4))
  const kb = MAILDIR_NAME.exec(b.slice(4))
  if (!ka || !kb) return a.slice(4).localeCompare(b.slice(4))
  for (const i of [1, 2, 3]) {
    const d = Number(ka[i]) - Number(kb[i])
    if (d !== 0) return d
  }
  return 0
}

/** Envelope from the headers aiosmtpd's Mailbox adds (X-MailFrom, X-RcptTo), else From/To. */
function stored(text: string): StoredMail {
  const data = crlf(text)
  const headers = headerFields(data)
  const from =
    headers['x-mailfrom'] ?? /<([^>]*)>/.exec(headers['return-path'] ?? '')?.[1] ?? headers.from ?? ''
  const to = (headers['x-rcptto'] ?? headers.to ?? '').split(',').map((a) => a.trim())
  return { from, to: to.filter((a) => a !== ''), data }
}

/** Header fields by lower-case name (the last of a repeated one), folded lines joined. */
export function headerFields(data: string): Record<string, string> {
  const end = data.indexOf('\r\n\r\n')
  const head = (end < 0 ? data : data.slice(0, end)).replace(/\r\n[ \t]+/g, ' ')
  return Object.fromEntries(
    head
      .split('\r\n')
      .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  )
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')
