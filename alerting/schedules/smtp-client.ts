import { connect, type Socket } from 'node:net'

export interface SmtpServer {
  host: string
  port: number
  helo: string
}

export interface MailEnvelope {
  from: string
  to: readonly string[]
  /** The whole message (headers, blank line, body), CRLF line ends, lines of at most 998 octets. */
  data: string
}

const TIMEOUT_MS = 15_000

/**
 * Sends one message over plain SMTP (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT. No AUTH and
 * no TLS: meant for the site's own relay. Rejects with the server's reply on any refusal; a
 * recipient refused is a refusal of the whole message (the caller retries at the next run).
 */
export async function sendMail(server: SmtpServer, mail: MailEnvelope): Promise<void> {
  const socket = connect({ host: server.host, port: server.port })
  socket.setTimeout(TIMEOUT_MS, () =>
    socket.destroy(new Error(`SMTP ${server.host}:${server.port} timed out`)),
  )
  const replies = replyReader(socket)
  try {
    await expect(replies, 220, 'greeting')
    await command(socket, replies, `EHLO ${server.helo}`, 250)
    await command(socket, replies, `MAIL FROM:<${mail.from}>`, 250)
    for (const to of mail.to) await command(socket, replies, `RCPT TO:<${to}>`, 250, 251)
    await command(socket, replies, 'DATA', 354)
    // Dot-stuffing (RFC 5321 §4.5.2): a line starting with "." gets another one.
    const body = mail.data.replace(/^\./gm, '..')
    await command(socket, replies, `${body}\r\n.`, 250)
    await command(socket, replies, 'QUIT', 221)
  } finally {
    socket.destroy()
  }
}

interface Reply {
  code: number
  text: string
}

async function command(socket: Socket, replies: () => Promise<Reply>, line: string, ...ok: number[]) {
  socket.write(`${line}\r\n`)
  await expect(replies, ok[0]!, line.split(/[\s:]/)[0]!, ...ok.slice(1))
}

async function expect(replies: () => Promise<Reply>, code: number, what: string, ...alsoOk: number[]) {
  const reply = await replies()
  if (reply.code !== code && !alsoOk.includes(reply.code)) {
    throw new Error(`SMTP ${what} refused: ${reply.code} ${reply.text}`)
  }
}

/** Replies in order; a multi-line reply ("250-...", then "250 ...") is one. */
function replyReader(socket: Socket): () => Promise<Reply> {
  let buffer = ''
  let lines: string[] = []
  const ready: Reply[] = []
  const waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = []
  let failure: Error | null = null
  const fail = (err: Error) => {
    failure = err
    for (const w of waiting.splice(0)) w.reject(err)
  }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      lines.push(line.slice(4))
      if (line[3] === '-') continue
      const reply = { code: Number(line.slice(0, 3)), text: lines.join(' ') }
      lines = []
      const w = waiting.shift()
      if (w) w.resolve(reply)
      else ready.push(reply)
    }
  })
  socket.on('error', fail)
  socket.on('close', () => fail(new Error('SMTP connection closed')))
  return () => {
    const next = ready.shift()
    if (next) return Promise.resolve(next)
    if (failure) return Promise.reject(failure)
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  }
}
