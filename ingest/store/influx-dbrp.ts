import { FirewatchError } from '../error-codes.ts'
import { errorText, influxRequest } from './influx-http.ts'
import type { InfluxTarget } from './storage-config.ts'

/**
 * InfluxDB 2.x answers InfluxQL on /query only for a database that a DBRP mapping points at a
 * bucket. This creates the mapping `INFLUX_BUCKET` (database) → the bucket (retention policy
 * `autogen`, default) when it is missing. 3.x has no DBRP API (404) and needs none; 1.x has real
 * databases. Resolves with what it did.
 */
export async function ensureDbrp(target: InfluxTarget): Promise<'exists' | 'created' | 'not-needed'> {
  if (target.api !== 'v2') return 'not-needed'
  const org = encodeURIComponent(target.org)
  const db = encodeURIComponent(target.db)
  const found = await influxRequest(target, `/api/v2/dbrps?org=${org}&db=${db}`)
  if (found.status === 404) return 'not-needed'
  check(found.status, found.body, 'listing DBRP mappings')
  if (((found.body as { content?: unknown[] }).content ?? []).length > 0) return 'exists'
  const buckets = await influxRequest(target, `/api/v2/buckets?org=${org}&name=${db}`)
  check(buckets.status, buckets.body, 'looking up the bucket')
  const bucketID = (buckets.body as { buckets?: { id: string }[] }).buckets?.[0]?.id
  if (!bucketID)
    throw new FirewatchError('FGW_ERR_STORAGE_QUERY', `no bucket ${target.bucket} in ${target.org}`)
  const created = await influxRequest(target, '/api/v2/dbrps', {
    method: 'POST',
    json: { org: target.org, bucketID, database: target.db, retention_policy: 'autogen', default: true },
  })
  check(created.status, created.body, 'creating the DBRP mapping')
  return 'created'
}

function check(status: number, body: unknown, what: string): void {
  if (status >= 200 && status < 300) return
  throw new FirewatchError('FGW_ERR_STORAGE_QUERY', `InfluxDB refused ${what}: ${status} ${errorText(body)}`)
}
