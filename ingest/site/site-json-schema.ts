import { z } from 'zod'
import { SiteFile } from './site-schema.ts'

// The site file as a JSON Schema, for editors (README "Site file": the `# yaml-language-server:
// $schema=...` line). Generated from the zod schema by `npm run schema` into
// schema/site.schema.json; tests/ingest/site-json-schema.test.ts fails when the committed file
// differs from what the zod schema gives today.
//
// What JSON Schema cannot say is left to the gateway, which still checks it at start-up with file,
// line and field: references between parts (a device's building, a level's contacts, unique ids,
// floors within the building), time zone names, cron expressions, the form of hashed secrets, a
// watch's cron-or-dates form, and which rule ids apply to which device kind.

/** Draft 7: what the YAML language server and most editors read best. */
const TARGET = 'draft-07'

/** Keys whose value may also be `{ env: NAME }` (ingest/site/site-secrets.ts reads them before zod). */
const SECRET_KEYS = new Set(['secret', 'token'])
const ENV_REF = {
  type: 'object',
  description: 'read from this environment variable of the gateway at start-up',
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  required: ['env'],
  additionalProperties: false,
}

/**
 * The JSON Schema of what a person writes (zod's input side: fields with defaults are optional).
 */
export function siteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SiteFile, { io: 'input', target: TARGET }) as Record<string, unknown>
  allowEnvSecrets(schema)
  return {
    $schema: schema.$schema,
    title: 'Firewatch site file',
    description:
      'Buildings, devices, API tokens, contacts, escalation, schedules and fire-aware rules of one site ' +
      '(README "Site file"). The gateway checks more at start-up than this schema can say.',
    ...withoutKey(schema, '$schema'),
  }
}

/** Every `secret` / `token` property anywhere also accepts `{ env: NAME }`. */
function allowEnvSecrets(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) allowEnvSecrets(item)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const record = node as Record<string, unknown>
  const properties = record.properties as Record<string, unknown> | undefined
  if (properties && typeof properties === 'object') {
    for (const key of Object.keys(properties)) {
      if (SECRET_KEYS.has(key)) properties[key] = { anyOf: [properties[key], ENV_REF] }
    }
  }
  for (const value of Object.values(record)) allowEnvSecrets(value)
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record
  return rest
}
