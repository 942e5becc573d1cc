import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseSite } from '../../ingest/site/load-site.ts'
import { SITE_SCHEMA_FILE, siteSchemaText } from '../../scripts/site-schema-file.ts'
import { ROOT } from '../support/paths.ts'

// Ajv is what fastify validates with (a dependency of fastify, not of Firewatch); here it stands in
// for an editor's YAML language server reading the schema.

/** Every site file in the repository: the demo sites and the sites of the tests. */
const SITE_FILES = [
  'gateway/demo-site.yaml',
  'gateway/demo-site.zh-CN.yaml',
  'tests/fixtures/test-site.yaml',
  'tests/fixtures/notify-site.yaml',
  'tests/scenarios/fire-site.yaml',
]

function validator() {
  const schema = JSON.parse(readFileSync(SITE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>
  // Formats (uri, email) are the gateway's to check; editors differ in which they know.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false })
  return ajv.compile(schema)
}

describe('The JSON Schema of the site file', () => {
  it('When the schema is generated from the zod schema again, then it is the committed schema/site.schema.json (run npm run schema after changing the site schema)', () => {
    expect(relative(ROOT, SITE_SCHEMA_FILE)).toBe('schema/site.schema.json')
    expect(readFileSync(SITE_SCHEMA_FILE, 'utf8')).toBe(siteSchemaText())
  })

  it('When an editor opens a site file of the repository, then its first line points the YAML language server at the schema, and the schema accepts the file', () => {
    const validate = validator()
    for (const file of SITE_FILES) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      const first = text.split('\n')[0]!
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)
      expect(match, file).not.toBeNull()
      expect(resolve(dirname(join(ROOT, file)), match![1]!), file).toBe(SITE_SCHEMA_FILE)
      expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
  })

  it('When a site file has a typo, a bad value or a missing field, then the schema names it; secrets may come from the environment', () => {
    const validate = validator()
    const site = (extra: Record<string, unknown> = {}) => ({
      site: { name: 'X', timezone: 'Asia/Shanghai' },
      buildings: [{ id: 'tower-a', name: 'A', floors: 10 }],
      devices: [
        {
          id: 'd1',
          building: 'tower-a',
          floor: 1,
          zone: 'z',
          kind: 'smoke_detector',
          label: 'L',
          secret: { env: 'D1_SECRET' },
        },
      ],
      apiTokens: [{ name: 'brigade', token: { env: 'BRIGADE_TOKEN' }, role: 'brigade' }],
      ...extra,
    })
    expect(validate(site()), JSON.stringify(validate.errors)).toBe(true)
    const problems = (value: unknown) => {
      validate(value)
      return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
    }
    expect(problems(site({ buildings: [{ id: 'tower-a', name: 'A', flors: 10 }] }))).toEqual(
      expect.arrayContaining([
        "/buildings/0 must have required property 'floors'",
        '/buildings/0 must NOT have additional properties',
      ]),
    )
    expect(problems({ ...site(), site: { name: 'X', timezone: 'UTC', locale: 'fr' } })).toContain(
      '/site/locale must be equal to one of the allowed values',
    )
    expect(problems(site({ contacts: [{ id: 'Li Wei', name: 'L', role: 'boss', channels: [] }] }))).toEqual(
      expect.arrayContaining([
        '/contacts/0/id must match pattern "^[a-z0-9-]+$"',
        '/contacts/0/role must be equal to one of the allowed values',
        '/contacts/0/channels must NOT have fewer than 1 items',
      ]),
    )
  })

  it('When a site file refers to a building that does not exist, then the schema cannot tell (what JSON Schema cannot say is left to the gateway, which refuses it at start-up)', () => {
    const file = {
      site: { name: 'X', timezone: 'Asia/Shanghai' },
      buildings: [{ id: 'tower-a', name: 'A', floors: 10 }],
      devices: [
        {
          id: 'd1',
          building: 'tower-b',
          floor: 1,
          zone: 'z',
          kind: 'smoke_detector',
          label: 'L',
          secret: 'abcd',
        },
      ],
    }
    expect(validator()(file)).toBe(true)
    expect(() => parseSite(JSON.stringify(file), 'site.yaml')).toThrow(
      /devices\[0\]\.building: unknown building tower-b/,
    )
  })
})
