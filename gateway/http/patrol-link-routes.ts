import type { FastifyInstance } from 'fastify'
import { ACK_PAGE_HEADERS, type AckPage, renderAckPage } from './ack-page.ts'
import type { PatrolCheckView } from './schedule-routes.ts'

/** What the one-tap patrol links need (structural; gateway/schedule-wiring.ts builds it). */
export interface PatrolLinkService {
  inspect(
    token: string,
  ): { status: 'valid'; check: PatrolCheckView; contact: string } | { status: 'expired' | 'invalid' }
  use(
    token: string,
  ):
    | { status: 'confirmed' | 'already' | 'late'; check: PatrolCheckView; contact: string }
    | { status: 'expired' | 'invalid' }
}

type TokenRequest = { Params: { token: string } }

/**
 * `GET /patrol/<token>` shows the check and a button; `POST /patrol/<token>` confirms presence as
 * the contact the check was sent to. The signed token is the credential, as for `/ack/<token>`,
 * and the page is the acknowledgement page (ack-page.ts: no script, a POST form only).
 */
export async function patrolLinkRoutes(
  app: FastifyInstance,
  options: { links: PatrolLinkService },
): Promise<void> {
  app.get<TokenRequest>('/patrol/:token', async (request, reply) => {
    const state = options.links.inspect(request.params.token)
    const [status, page] = pageOfState(state)
    return reply.code(status).headers(ACK_PAGE_HEADERS).send(renderAckPage(page))
  })

  app.post<TokenRequest>('/patrol/:token', async (request, reply) => {
    const result = options.links.use(request.params.token)
    const [status, page] = pageOfUse(result)
    return reply.code(status).headers(ACK_PAGE_HEADERS).send(renderAckPage(page))
  })
}

function pageOfState(state: ReturnType<PatrolLinkService['inspect']>): [number, AckPage] {
  if (state.status !== 'valid') return closed(state.status)
  const c = state.check
  const open = c.status === 'pending' || c.status === 'missed'
  const lines = [
    `Patrol check ${c.patrol} for ${state.contact}, sent ${c.sentAt}, due by ${c.dueBy}.`,
    open ? 'Press the button to confirm that you are on duty.' : `Already ${c.status}.`,
  ]
  return [200, { title: 'Patrol check', lines, form: open }]
}

function pageOfUse(result: ReturnType<PatrolLinkService['use']>): [number, AckPage] {
  if (!('check' in result)) return closed(result.status)
  const title = { confirmed: 'On duty: confirmed', already: 'Already confirmed', late: 'Confirmed late' }[
    result.status
  ]
  const lines =
    result.status === 'late'
      ? ['The check had already been missed; its alert stays open for the desk to close.']
      : [`Thank you, ${result.contact}.`]
  return [200, { title, lines }]
}

function closed(status: 'expired' | 'invalid'): [number, AckPage] {
  if (status === 'expired') return [410, { title: 'Link expired', lines: ['This patrol check is over.'] }]
  return [404, { title: 'Unknown link', lines: ['This link is not valid.'] }]
}
