import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashSecret } from '../../ingest/site/secret-hash.ts'
import { TEST_SITE, tempDataDir } from '../support/gateway-launcher.ts'

/**
 * The test site with its secrets stored three ways: ta-12-smoke-01's secret and the brigade token
 * as scrypt hashes, tb-03-smoke-01's secret as an environment reference (FW_TB03_SECRET), the
 * others plain as before.
 */
export async function siteWithStoredSecrets(): Promise<{ file: string; env: Record<string, string> }> {
  const text = readFileSync(TEST_SITE, 'utf8')
    .replace('secret: s3cret-ta-12 }', `secret: "${await hashSecret('s3cret-ta-12')}" }`)
    .replace('secret: s3cret-tb-03 }', 'secret: { env: FW_TB03_SECRET } }')
    .replace('token: brigade-token,', `token: "${await hashSecret('brigade-token')}",`)
  const file = join(tempDataDir(), 'site.yaml')
  writeFileSync(file, text)
  return { file, env: { FW_TB03_SECRET: 's3cret-tb-03-from-env' } }
}
