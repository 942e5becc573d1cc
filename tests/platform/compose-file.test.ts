import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { GatewayEnvFields, parseGatewayEnv } from '../../gateway/config.ts'
import { ROOT } from '../support/paths.ts'

// docker-compose.yml cannot be run here (no registry for its images; README "Running with
// InfluxDB"), so it is checked as far as can be without an engine: against the Compose
// Specification's JSON schema (vendored, tests/platform/compose-spec/SOURCE.md), and the gateway's
// environment in it against the gateway's own configuration schema.

const { $schema: draft, ...schema } = JSON.parse(
  readFileSync(join(ROOT, 'tests/platform/compose-spec/compose-spec.json'), 'utf8'),
)
// ajv's default dialect is draft-07; it knows that meta-schema as http://…/draft-07/schema#, not
// by the https spelling the file uses, so the file's $schema is checked here and left out.
expect(draft).toBe('https://json-schema.org/draft-07/schema')
const validate = new Ajv({ allErrors: true }).compile(schema)

function composeFile(): any {
  return parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'))
}

function problems(doc: unknown): string[] {
  if (validate(doc)) return []
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  )
}

/** `${NAME:-default}` as Compose interpolates it when NAME is unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback)
}

describe('docker-compose.yml', () => {
  it('When it is checked against the Compose Specification schema, then it is valid', () => {
    expect(problems(composeFile())).toEqual([])
  })

  it('When a key is misspelled or a value has the wrong type, then the schema check finds it', () => {
    const typo = composeFile()
    typo.services.gateway.healthcheck.intervall = '10s'
    expect(problems(typo).join('\n')).toContain('additionalProperty":"intervall"')
    const wrongType = composeFile()
    wrongType.services.influxdb.ports = '8086:8086'
    expect(problems(wrongType).join('\n')).toContain('/services/influxdb/ports must be array')
  })

  it("When the gateway service's environment is read, then the gateway knows every variable and accepts the values", () => {
    const env: Record<string, string> = composeFile().services.gateway.environment
    const known = new Set(Object.keys(GatewayEnvFields.shape))
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([])
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, withDefaults(String(v))]))
    // /app in the image is this repository (Dockerfile WORKDIR and COPY . .).
    resolved.FIREWATCH_SITE = resolved.FIREWATCH_SITE!.replace(/^\/app\//, `${ROOT}/`)
    expect(() => parseGatewayEnv(resolved)).not.toThrow()
  })
})
