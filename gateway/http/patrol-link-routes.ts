import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Locale, localeFromAcceptLanguage, recipientLocale } from '../../alerting/i18n/locale.ts'
import { formatDateTime } from '../../alerting/i18n/time-format.ts'
import type { PatrolLinkService } from '../../alerting/schedules/schedule-services.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { ACK_PAGE_HEADERS, type AckPage, renderAckPage } from './ack-page.ts'
import { acceptFormBodies } from './form-body.ts'

type TokenRequest = { Params: { token: string } }

/**
 * `GET /patrol/<token>` shows the check and a button; `POST /patrol/<token>` confirms presence as
 * the contact the check was sent to. The signed token is the credential, as for `/ack/<token>`,
 * and the page is the acknowledgement page (ack-page.ts: no script, a POST form only).
 */
export async function patrolLinkRoutes(
  app: FastifyInstance,
  options: { links: PatrolLinkService; site: SiteModel },
): Promise<void> {
  const { site } = options
  // The page's button posts a form (with the optional note of the acknowledgement page).
  acceptFormBodies(app)
  // The contact's language for a valid link; the browser's, else the site's, for a dead one.
  const localeOf = (request: FastifyRequest, contact?: string): Locale =>
    contact !== undefined
      ? recipientLocale(site.contact(contact), site.locale)
      : (localeFromAcceptLanguage(request.headers['accept-language']) ?? site.locale)
  const nameOf = (contact: string) => site.contact(contact)?.name ?? contact

  app.get<TokenRequest>('/patrol/:token', async (request, reply) => {
    const state = options.links.inspect(request.params.token)
    const locale = localeOf(request, 'contact' in state ? state.contact : undefined)
    const [status, page] = pageOfState(state, locale, site, nameOf)
    return reply.code(status).headers(ACK_PAGE_HEADERS).send(renderAckPage(page, site))
  })

  app.post<TokenRequest>('/patrol/:token', async (request, reply) => {
    const result = options.links.use(request.params.token)
    const locale = localeOf(request, 'contact' in result ? result.contact : undefined)
    const [status, page] = pageOfUse(result, locale, nameOf)
    return reply.code(status).headers(ACK_PAGE_HEADERS).send(renderAckPage(page, site))
  })
}

/** The patrol pages' words (the confirmation page reuses the acknowledgement page's frame). */
const TEXTS = {
  en: {
    title: 'Patrol check',
    sent: (patrol: string, contact: string, sentAt: string, dueBy: string) =>
      `Patrol check ${patrol} for ${contact}, sent ${sentAt}, due by ${dueBy}.`,
    press: 'Press the button to confirm that you are on duty.',
    already: (status: string) => `Already ${status}.`,
    statuses: { pending: 'pending', confirmed: 'confirmed', late: 'confirmed late', missed: 'missed' },
    confirmed: 'On duty: confirmed',
    alreadyConfirmed: 'Already confirmed',
    late: 'Confirmed late',
    lateLine: 'The check had already been missed; its alert stays open for the desk to close.',
    thanks: (contact: string) => `Thank you, ${contact}.`,
    expired: 'Link expired',
    over: 'This patrol check is over.',
    unknown: 'Unknown link',
    invalid: 'This link is not valid.',
  },
  'zh-CN': {
    title: '查岗',
    sent: (patrol: string, contact: string, sentAt: string, dueBy: string) =>
      `查岗 ${patrol}：${contact}，发出时间 ${sentAt}，请在 ${dueBy} 前确认。`,
    press: '请按下按钮确认您在岗。',
    already: (status: string) => `${status}。`,
    statuses: { pending: '待确认', confirmed: '已确认', late: '逾时确认', missed: '未应答' },
    confirmed: '在岗：已确认',
    alreadyConfirmed: '已确认过',
    late: '逾时确认',
    lateLine: '本次查岗已判为未应答，其告警保持打开，由值班台处理。',
    thanks: (contact: string) => `谢谢，${contact}。`,
    expired: '链接已过期',
    over: '本次查岗已结束。',
    unknown: '无效链接',
    invalid: '此链接无效。',
  },
} satisfies Record<Locale, unknown>

function pageOfState(
  state: ReturnType<PatrolLinkService['inspect']>,
  locale: Locale,
  site: SiteModel,
  nameOf: (contact: string) => string,
): [number, AckPage] {
  if (state.status !== 'valid') return closed(state.status, locale)
  const t = TEXTS[locale]
  const c = state.check
  const open = c.status === 'pending' || c.status === 'missed'
  const time = (iso: string) => formatDateTime(iso, site.timezone, locale)
  const sent = t.sent(c.patrol, nameOf(state.contact), time(c.sentAt), time(c.dueBy))
  const lines = [sent, open ? t.press : t.already(t.statuses[c.status])]
  return [200, { locale, title: t.title, lines, form: open }]
}

function pageOfUse(
  result: ReturnType<PatrolLinkService['use']>,
  locale: Locale,
  nameOf: (contact: string) => string,
): [number, AckPage] {
  if (!('check' in result)) return closed(result.status, locale)
  const t = TEXTS[locale]
  const title = { confirmed: t.confirmed, already: t.alreadyConfirmed, late: t.late }[result.status]
  const lines = result.status === 'late' ? [t.lateLine] : [t.thanks(nameOf(result.contact))]
  return [200, { locale, title, lines }]
}

function closed(status: 'expired' | 'invalid', locale: Locale): [number, AckPage] {
  const t = TEXTS[locale]
  if (status === 'expired') return [410, { locale, title: t.expired, lines: [t.over] }]
  return [404, { locale, title: t.unknown, lines: [t.invalid] }]
}
