import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedSiteYaml } from '../support/generated-site.ts'

export const BENCH_TOKEN = { name: 'bench', token: 'bench-token-0123456789' }

/**
 * A generated site: `count` devices over two 30-floor towers, mostly smoke detectors, every kind
 * present, plus the `bench` brigade token. Heartbeats are long so that no offline alert opens
 * while a run is still publishing.
 */
export function benchSiteYaml(count: number): string {
  return generatedSiteYaml({
    prefix: 'bench',
    name: 'Bench Estate',
    devices: count,
    floors: 30,
    heartbeatSec: 3600,
    token: BENCH_TOKEN,
  })
}

export function writeBenchSite(dir: string, count: number): string {
  const file = join(dir, 'bench-site.yaml')
  writeFileSync(file, benchSiteYaml(count))
  return file
}
