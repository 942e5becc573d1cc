import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { type Actor, HAZARD_ACTIONS, type HazardAction } from '../../register/hazard.ts'
import type { StepOutcome } from '../../register/hazard-desk.ts'
import type { ImportResult } from '../../register/hazard-import.ts'
import {
  assignBodyFor,
  EscalateBody,
  hazardInputFor,
  NoteBody,
  ReasonBody,
  StartBody,
} from '../../register/hazard-input.ts'
import type { HazardService } from '../../register/hazard-service.ts'
import { principalOf } from './auth.ts'
import { HazardsQuery, statesOf } from './hazard-schemas.ts'
import { HttpError, notFound } from './http-errors.ts'
import { acceptMultipart, type FormPart } from './multipart.ts'
import { validated, withoutEmpty } from './request-schemas.ts'

export interface HazardRoutesOptions {
  site: SiteModel
  hazards: HazardService
  /** Rows of a CSV file (its bytes: UTF-8 or GB18030); `header` when the file itself is unusable. */
  importCsv(actor: Actor, bytes: Buffer): ImportResult | { header: string }
  ruleIds: ReadonlySet<string>
  /** EVIDENCE_MAX_BYTES and HAZARD_IMPORT_MAX_BYTES. */
  limits: { evidenceMaxBytes: number; importMaxBytes: number }
}

type IdRequest = { Params: { id: string; action?: string; evidence?: string } }

/** The token as the register sees it. */
export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request)
  return { name: p.name, role: p.role, buildings: p.buildings }
}

/**
 * The hazard register (docs/register.md): list, report, detail, the workflow's steps, evidence
 * (notes and photos) and CSV import. A manager sees the hazards of their own buildings only;
 * another building's hazard answers 404, as an alert does.
 */
export async function hazardRoutes(app: FastifyInstance, options: HazardRoutesOptions): Promise<void> {
  const { site, hazards } = options
  // A little room beside the photo for the part headers and the note.
  acceptMultipart(app, options.limits.evidenceMaxBytes + 16 * 1024)
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'buffer', bodyLimit: options.limits.importMaxBytes },
    (_r, body, done) => done(null, body),
  )
  const inputSchema = hazardInputFor(site, options.ruleIds)
  const visibleHazard = (request: FastifyRequest<IdRequest>): number => {
    const id = Number(request.params.id)
    const building = Number.isSafeInteger(id) ? hazards.buildingOf(id) : undefined
    if (building === undefined || !canSeeBuilding(principalOf(request), building)) throw notFound()
    return id
  }

  app.get('/hazards', async (request) => {
    const q = validated(HazardsQuery, withoutEmpty(request.query))
    if (
      q.building !== undefined &&
      !(site.building(q.building) && canSeeBuilding(principalOf(request), q.building))
    )
      throw notFound()
    const states = statesOf(q.state)
    return {
      hazards: hazards.list(actorOf(request), {
        ...(q.building !== undefined ? { building: q.building } : {}),
        ...(states ? { states } : {}),
        limit: q.limit,
      }),
    }
  })

  app.post('/hazards', async (request, reply) => {
    const input = validated(inputSchema, request.body ?? {})
    if (!canSeeBuilding(principalOf(request), input.building)) throw notFound()
    void reply.code(201)
    return hazards.report(actorOf(request), input)
  })

  app.post('/hazards/import', async (request) => {
    if (!Buffer.isBuffer(request.body)) throw new HttpError('FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', 415)
    const result = options.importCsv(actorOf(request), request.body)
    if ('header' in result) {
      const issues = [{ code: 'custom', path: ['csv'], message: result.header }]
      throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, result.header, issues)
    }
    return result
  })

  app.get<IdRequest>('/hazards/:id', async (request) =>
    hazards.detail(actorOf(request), visibleHazard(request)),
  )

  app.post<IdRequest>('/hazards/:id/evidence', async (request, reply) => {
    const id = visibleHazard(request)
    const body = request.body as { parts?: FormPart[] } | undefined
    if (body?.parts) return reply.code(201).send(photo(options, request, id, body.parts))
    const { note } = validated(ReasonBody, body ?? {})
    return reply.code(201).send(hazards.addNote(actorOf(request), id, note))
  })

  app.get<IdRequest>('/hazards/:id/evidence/:evidence', async (request, reply) => {
    const found = hazards.photo(visibleHazard(request), Number(request.params.evidence))
    if (!found) throw notFound()
    return reply
      .type(found.type)
      .header('content-disposition', 'inline')
      .header('cache-control', 'private, max-age=3600')
      .send(found.bytes)
  })

  app.post<IdRequest>('/hazards/:id/:action', async (request, reply) => {
    const id = visibleHazard(request)
    const action = request.params.action as HazardAction
    if (!HAZARD_ACTIONS.includes(action)) throw notFound()
    const body = validated(bodySchema(site, hazards.buildingOf(id)!, action), request.body ?? {})
    const outcome = await hazards.step(actorOf(request), id, action, body)
    if (!outcome) throw notFound()
    return answerStep(outcome, request, reply, () => hazards.detail(actorOf(request), id))
  })
}

function bodySchema(site: SiteModel, building: string, action: HazardAction): z.ZodType<object> {
  switch (action) {
    case 'assign':
      return assignBodyFor(site, building)
    case 'start':
      return StartBody
    case 'submit':
    case 'verify':
      return NoteBody
    case 'reject':
    case 'reopen':
      return ReasonBody
    case 'escalate':
      return EscalateBody
  }
}

function answerStep(
  outcome: StepOutcome,
  request: FastifyRequest,
  reply: FastifyReply,
  detail: () => unknown,
) {
  if ('row' in outcome) return detail()
  switch (outcome.refused) {
    case 'forbidden':
      throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
    case 'self':
      throw new HttpError('FGW_ERR_HAZARD_SELF_VERIFY', 403)
    case 'state':
      throw new HttpError('FGW_ERR_HAZARD_STATE', 409)
    case 'not-verified': {
      const error = new HttpError('FGW_ERR_HAZARD_NOT_VERIFIED', 409)
      // The evidence comes with the refusal: which device has not held, and why.
      const { verification } = detail() as { verification: unknown }
      return reply
        .code(409)
        .send({ error: error.code, message: error.message, requestId: request.id, verification })
    }
  }
}

function photo(options: HazardRoutesOptions, request: FastifyRequest, id: number, parts: FormPart[]) {
  const file = parts.find((p) => p.name === 'photo' && p.filename !== null)
  const note =
    parts
      .find((p) => p.name === 'note')
      ?.data.toString('utf8')
      .trim() || null
  if (!file) {
    const issues = [{ code: 'custom', path: ['photo'], message: 'a file part named "photo" is required' }]
    throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, issues)
  }
  if (file.data.length > options.limits.evidenceMaxBytes) throw new HttpError('FGW_ERR_HTTP_TOO_LARGE', 413)
  if (note !== null && note.length > 2000) {
    const issues = [{ code: 'too_big', path: ['note'], message: 'at most 2000 characters' }]
    throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, issues)
  }
  const outcome = options.hazards.addPhoto(actorOf(request), id, file.data, file.type ?? '', note)
  if (!outcome) throw notFound()
  if ('added' in outcome) return outcome.added
  if (outcome.refused === 'type') throw new HttpError('FGW_ERR_HAZARD_EVIDENCE_TYPE', 415)
  throw new HttpError('FGW_ERR_HAZARD_EVIDENCE_FULL', 409)
}
