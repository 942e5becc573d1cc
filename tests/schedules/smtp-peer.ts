import { createServer, type Socket } from 'node:net'
import { headerFields } from '../support/smtp-server.ts'

// A small SMTP server (RFC 5321 server side) for the report e-mail tests: it speaks EHLO, MAIL,
// RCPT, DATA, RSET and QUIT over a real TCP socket, undoes dot-stuffing and keeps what it got.

export interface ReceivedMail {
  from: string
  to: string[]
  data: string
}

export interface SmtpPeer {
  port: number
  mails: ReceivedMail[]
  /** The next RCPT TO of this address is refused with 550 (once). */
  refuseOnce(address: string): void
  close(): Promise<void>
}

export async function startSmtpPeer(): Promise<SmtpPeer> {
  const mails: ReceivedMail[] = []
  const refusals = new Set<string>()
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    session(socket, mails, refusals)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    mails,
    refuseOnce: (address) => refusals.add(address),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

function session(socket: Socket, mails: ReceivedMail[], refusals: Set<string>): void {
  let buffer = ''
  let inData = false
  let mail: ReceivedMail = { from: '', to: [], data: '' }
  const say = (line: string) => socket.write(`${line}\r\n`)
  say('220 smtp-peer.test ESMTP')
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    if (inData) {
      const end = buffer.indexOf('\r\n.\r\n')
      if (end < 0) return
      mail.data = buffer.slice(0, end).replace(/^\.\./gm, '.')
      buffer = buffer.slice(end + 5)
      inData = false
      mails.push(mail)
      mail = { from: '', to: [], data: '' }
      say('250 2.0.0 queued')
    }
    for (let end = buffer.indexOf('\r\n'); end >= 0 && !inData; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const verb = line.slice(0, 4).toUpperCase()
      const address = /<([^>]*)>/.exec(line)?.[1] ?? ''
      if (verb === 'EHLO') {
        say('250-smtp-peer.test greets you')
        say('250 8BITMIME')
      } else if (verb === 'MAIL') {
        mail.from = address
        say('250 2.1.0 ok')
      } else if (verb === 'RCPT') {
        if (refusals.delete(address)) say('550 5.1.1 mailbox unavailable')
        else {
          mail.to.push(address)
          say('250 2.1.5 ok')
        }
      } else if (verb === 'DATA') {
        inData = true
        say('354 end with <CRLF>.<CRLF>')
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye')
        socket.end()
      } else if (verb === 'RSET') {
        mail = { from: '', to: [], data: '' }
        say('250 ok')
      } else say('502 5.5.1 not implemented')
    }
  })
}

/**
 * The decoded subject and HTML body of a message the report mailer wrote, as this peer got it or
 * as a real server stored it (extra trace headers, folded header lines).
 */
export function decodeReportMail(data: string): {
  headers: Record<string, string>
  subject: string
  html: string
} {
  const headers = headerFields(data)
  const body = data.slice(data.indexOf('\r\n\r\n') + 4)
  const subject = Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(headers.subject!)![1]!, 'base64').toString('utf8')
  return { headers, subject, html: Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8') }
}
