import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AckLinkState, AckLinkUse } from '../../alerting/notify/ack-links.ts'
import { ACK_PAGE_HEADERS, type AckPage, renderAckPage } from './ack-page.ts'

/** What the link routes need of the notifier (structural: gateway/http never builds it). */
export interface AckLinkService {
  inspect(token: string): AckLinkState
  use(token: string, note: string | null): AckLinkUse
}

type TokenRequest = { Params: { token: string } }

const MAX_NOTE = 1000

/**
 * `GET /ack/<token>` shows the alert and a button; `POST /ack/<token>` acknowledges as the contact
 * the link was sent to. No API token: the signed, single-use, expiring token is the credential.
 */
export async function ackLinkRoutes(app: FastifyInstance, options: { links: AckLinkService }): Promise<void> {
  // The page's form posts application/x-www-form-urlencoded; only this scope accepts it.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  )

  app.get<TokenRequest>('/ack/:token', async (request, reply) => {
    const state = options.links.inspect(request.params.token)
    return send(reply, pageOfState(state))
  })

  app.post<TokenRequest>('/ack/:token', async (request, reply) => {
    const result = options.links.use(request.params.token, noteOf(request.body))
    return send(reply, pageOfUse(result))
  })
}

function noteOf(body: unknown): string | null {
  const note = (body as { note?: unknown } | undefined)?.note
  return typeof note === 'string' && note.trim() !== '' ? note.trim().slice(0, MAX_NOTE) : null
}

function pageOfState(state: AckLinkState): [number, AckPage] {
  if (state.status === 'valid') {
    const done = state.alert.state !== 'open'
    const lines = [
      `For ${state.contact.name}.`,
      done ? `This alert is already ${state.alert.state}.` : 'Acknowledge it to stop the escalation.',
    ]
    return [200, { title: done ? 'Alert' : 'Acknowledge alert', lines, alert: state.alert, form: !done }]
  }
  return closedPage(state.status)
}

function pageOfUse(result: AckLinkUse): [number, AckPage] {
  if (result.status === 'acknowledged') {
    const lines = [`Thank you, ${result.contact.name}. Escalation has stopped.`]
    return [200, { title: 'Acknowledged', lines, alert: result.alert }]
  }
  if (result.status === 'already') {
    const lines = [`This alert was already ${result.alert.state}; nothing changed.`]
    return [200, { title: 'Already handled', lines, alert: result.alert }]
  }
  return closedPage(result.status)
}

/** 410 for a link that worked once (used or expired), 404 for one that never did. */
function closedPage(status: 'spent' | 'expired' | 'invalid'): [number, AckPage] {
  if (status === 'spent') return [410, { title: 'Link already used', lines: ['Each link works once.'] }]
  if (status === 'expired') {
    return [410, { title: 'Link expired', lines: ['Use the alert desk or a newer message to acknowledge.'] }]
  }
  return [404, { title: 'Unknown link', lines: ['This link is not valid.'] }]
}

function send(reply: FastifyReply, [status, page]: [number, AckPage]): FastifyReply {
  return reply.code(status).headers(ACK_PAGE_HEADERS).send(renderAckPage(page))
}
