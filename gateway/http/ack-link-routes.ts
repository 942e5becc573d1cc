import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AlertHistoryEntry } from '../../alerting/alert.ts'
import { type Locale, localeFromAcceptLanguage } from '../../alerting/i18n/locale.ts'
import { messagesFor } from '../../alerting/i18n/messages.ts'
import type { AckLinkState, AckLinkUse } from '../../alerting/notify/ack-links.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { ACK_PAGE_HEADERS, type Acknowledgement, type AckPage, renderAckPage } from './ack-page.ts'
import { acceptFormBodies } from './form-body.ts'

/** What the link routes need of the notifier (structural: gateway/http never builds it). */
export interface AckLinkService {
  inspect(token: string): AckLinkState
  use(token: string, note: string | null): AckLinkUse
  /** Names, time zone and default language of the pages. */
  readonly site: SiteModel
}

type TokenRequest = { Params: { token: string } }

interface AckLinkOptions {
  links: AckLinkService
  /** An alert's history, for "acknowledged by …" on the page; left out when absent. */
  history?: (alertId: string) => AlertHistoryEntry[]
  clock?: { now(): number }
}

const MAX_NOTE = 1000

/**
 * `GET /a/<token>` shows the incident (or, for links of older versions, the alert) and a button;
 * `POST /a/<token>` acknowledges the whole incident as the contact the link was sent to. No API
 * token: the signed, single-use, expiring token is the credential.
 * A valid link's pages speak the contact's language (its own, else the site's); a dead link's
 * page, which cannot tell whose it was, the browser's (Accept-Language), else the site's.
 */
export async function ackLinkRoutes(app: FastifyInstance, options: AckLinkOptions): Promise<void> {
  const { site } = options.links
  acceptFormBodies(app)
  const send = (reply: FastifyReply, [status, page]: [number, AckPage]): FastifyReply => {
    const { alert } = page
    const extra: Partial<AckPage> = {}
    if (alert && options.history) extra.acknowledgements = acknowledgements(options.history(alert.id), site)
    if (options.clock) extra.now = options.clock.now()
    return reply
      .code(status)
      .headers(ACK_PAGE_HEADERS)
      .send(renderAckPage({ ...page, ...extra }, site))
  }

  // `/a/` for the short links sent now, `/ack/` for links sent by earlier versions.
  for (const path of ['/a/:token', '/ack/:token']) {
    app.get<TokenRequest>(path, async (request, reply) => {
      const state = options.links.inspect(request.params.token)
      return send(reply, pageOfState(state, browserLocale(request, site)))
    })
    app.post<TokenRequest>(path, async (request, reply) => {
      const result = options.links.use(request.params.token, noteOf(request.body))
      return send(reply, pageOfUse(result, browserLocale(request, site)))
    })
  }
}

function browserLocale(request: FastifyRequest, site: SiteModel): Locale {
  return localeFromAcceptLanguage(request.headers['accept-language']) ?? site.locale
}

function noteOf(body: unknown): string | null {
  const note = (body as { note?: unknown } | undefined)?.note
  return typeof note === 'string' && note.trim() !== '' ? note.trim().slice(0, MAX_NOTE) : null
}

function pageOfState(state: AckLinkState, fallback: Locale): [number, AckPage] {
  if (state.status === 'valid') {
    const { locale } = state.contact
    const m = messagesFor(locale)
    // A link of an incident acknowledges the whole incident: its state is the one that counts.
    const current = state.incident?.incident.state ?? state.alert.state
    const done = current !== 'open'
    const lines = [
      m.ackFor({ name: state.contact.name }),
      done ? m.ackAlready({ state: m.stateNames[current] }) : m.ackStopsEscalation,
    ]
    const title = done ? m.ackAlertTitle : m.ackPageTitle
    return [200, { locale, title, lines, alert: state.alert, incident: state.incident, form: !done }]
  }
  return closedPage(state.status, state.status === 'spent' ? state.contact.locale : fallback)
}

function pageOfUse(result: AckLinkUse, fallback: Locale): [number, AckPage] {
  if (result.status === 'acknowledged' || result.status === 'already') {
    const { locale } = result.contact
    const m = messagesFor(locale)
    const page =
      result.status === 'acknowledged'
        ? { title: m.ackDoneTitle, lines: [m.ackThanks({ name: result.contact.name })] }
        : {
            title: m.ackAlreadyTitle,
            lines: [
              m.ackNothingChanged({
                state: m.stateNames[result.incident?.incident.state ?? result.alert.state],
              }),
            ],
          }
    return [200, { locale, ...page, alert: result.alert, incident: result.incident }]
  }
  return closedPage(result.status, fallback)
}

/** 410 for a link that worked once (used or expired), 404 for one that never did. */
function closedPage(status: 'spent' | 'expired' | 'invalid', locale: Locale): [number, AckPage] {
  const m = messagesFor(locale)
  if (status === 'spent') return [410, { locale, title: m.ackSpentTitle, lines: [m.ackSpentLine] }]
  if (status === 'expired') return [410, { locale, title: m.ackExpiredTitle, lines: [m.ackExpiredLine] }]
  return [404, { locale, title: m.ackInvalidTitle, lines: [m.ackInvalidLine] }]
}

/**
 * The people who have taken the alert: the acknowledgement, and everyone who acknowledged it again
 * with a note (the alert records those as notes). Contacts by name, desks by their token's name.
 */
function acknowledgements(history: AlertHistoryEntry[], site: SiteModel): Acknowledgement[] {
  const acked = history.findIndex((e) => e.action === 'acknowledged')
  if (acked < 0) return []
  return history
    .slice(acked)
    .filter((e) => e.action === 'acknowledged' || (e.action === 'note' && e.actor !== 'system'))
    .map((e) => ({ by: actorName(e.actor, site), at: e.at, note: e.note }))
}

function actorName(actor: string, site: SiteModel): string {
  const contact = actor.startsWith('contact:') ? site.contact(actor.slice('contact:'.length)) : undefined
  return contact?.name ?? actor
}
