import { z } from 'zod'
import { HAZARD_ACTIONS } from '../../register/hazard.ts'
import { AssignBody, EscalateBody, HazardInput, StartBody } from '../../register/hazard-input.ts'
import {
  DeliveriesQuery,
  GradeHistoryQuery,
  HazardsQuery,
  ListsQuery,
  MonthlyRegisterQuery,
} from './hazard-schemas.ts'
import { AUTH_FAILURES } from './openapi-auth.ts'

// OpenAPI of the hazard register, the risk grades, the two lists and the monthly report
// (docs/register.md). Bodies and queries come from the zod schemas the routes validate with.

const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const file = (type: string) => ({ content: { [type]: { schema: { type: 'string', format: 'binary' } } } })
const failures = { ...AUTH_FAILURES, '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }
const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
const path = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
})
const anyObject = { type: 'object', additionalProperties: true }

function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...out } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>
  return out
}

/** Query parameters of a zod object schema, one per field. */
function query(schema: z.ZodObject): object[] {
  const shape = fromZod(schema) as { properties: Record<string, object>; required?: string[] }
  return Object.entries(shape.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: shape.required?.includes(name) ?? false,
    schema: s,
  }))
}

const get = (summary: string, params: object[], ok: object, more: object = {}) => ({
  get: op(summary, { parameters: params, responses: { '200': ok, ...invalid, ...failures, ...more } }),
})

export function registerPaths(): Record<string, object> {
  const hazard = path('id', 'hazard id')
  const ok = (description: string) => ({ description, ...json(anyObject) })
  return {
    '/api/v1/hazards': {
      ...get('Hazards the token may see', query(HazardsQuery), ok('{ hazards }')),
      post: op('Report a hazard (an inspection or patrol finding)', {
        requestBody: { required: true, ...json(fromZod(HazardInput)) },
        responses: { '201': ok('the hazard'), ...invalid, ...failures },
      }),
    },
    '/api/v1/hazards/import': {
      post: op('Import a CSV list of hazards (UTF-8 or GB18030, English or Chinese headings)', {
        requestBody: { required: true, ...file('text/csv') },
        responses: { '200': ok('rows kept and rows refused, each with its line'), ...invalid, ...failures },
      }),
    },
    '/api/v1/hazards/{id}': get(
      'A hazard with its trail, evidence and allowed steps',
      [hazard],
      ok('the hazard'),
    ),
    '/api/v1/hazards/{id}/evidence': {
      post: op('Add a note or a photo (JPEG, PNG, WebP; typed by its bytes)', {
        parameters: [hazard],
        requestBody: { required: true, ...file('multipart/form-data') },
        responses: {
          '201': ok('the evidence'),
          ...invalid,
          ...failures,
          '409': ok('too many photos'),
          '413': ok('larger than EVIDENCE_MAX_BYTES'),
          '415': ok('not a JPEG, PNG or WebP'),
        },
      }),
    },
    '/api/v1/hazards/{id}/evidence/{evidence}': get(
      'An evidence photo',
      [hazard, path('evidence', 'evidence id')],
      { description: 'the photo', ...file('image/*') },
    ),
    '/api/v1/hazards/{id}/{action}': {
      post: op('Take a step of the workflow (docs/register.md "Who may do what")', {
        parameters: [
          hazard,
          { ...path('action', 'the step'), schema: { type: 'string', enum: [...HAZARD_ACTIONS] } },
        ],
        requestBody: {
          ...json({ oneOf: [fromZod(AssignBody), fromZod(StartBody), fromZod(EscalateBody), anyObject] }),
        },
        responses: {
          '200': ok('the hazard after the step'),
          ...invalid,
          ...failures,
          '403': ok('a role that may not take it, or verifying one’s own rectification'),
          '409': ok('a state that does not allow it, or linked devices that have not held normal'),
        },
      }),
    },
    '/api/v1/hazards/lists.html': get('The two lists as a printable page', query(ListsQuery), {
      description: 'HTML',
      ...file('text/html'),
    }),
    '/api/v1/hazards/lists/hazards.csv': get('问题隐患清单 as CSV', query(ListsQuery), file('text/csv')),
    '/api/v1/hazards/lists/responsibility.csv': get(
      '整改责任清单 as CSV',
      query(ListsQuery),
      file('text/csv'),
    ),
    '/api/v1/hazards/lists.xlsx': get('The two lists as one workbook', query(ListsQuery), {
      description: 'XLSX',
      ...file('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    }),
    '/api/v1/register/categories': get('The site’s hazard categories', [], ok('{ categories }')),
    '/api/v1/risk/grades': get(
      'The current risk grade of each building, with its factors',
      [],
      ok('{ grades }'),
    ),
    '/api/v1/risk/grades/history': get('Risk grades over time', query(GradeHistoryQuery), ok('{ grades }')),
    '/api/v1/register/reports/monthly': get(
      'The monthly report as JSON',
      query(MonthlyRegisterQuery),
      ok('report'),
    ),
    '/api/v1/register/reports/monthly.html': get(
      'The monthly report as a page',
      query(MonthlyRegisterQuery),
      {
        description: 'HTML',
        ...file('text/html'),
      },
    ),
    '/api/v1/register/reports/monthly.pdf': get(
      'The monthly report as PDF',
      query(MonthlyRegisterQuery),
      { description: 'PDF', ...file('application/pdf') },
      { '503': ok('no browser to print with, or the print timed out') },
    ),
    '/api/v1/register/reports/deliveries': get(
      'Deliveries of the monthly report: due, sent, on time, opened',
      query(DeliveriesQuery),
      ok('{ deliveries }'),
    ),
    '/api/v1/holidays': get('This year’s and next year’s statutory holidays', [], ok('{ years }')),
  }
}
