import { describe, expect, it } from 'vitest'
import { SiteFile } from '../../ingest/site/site-schema.ts'

const site = (over: { building?: string; device?: string; token?: string }) => ({
  site: { name: 'Estate', timezone: 'Asia/Shanghai' },
  buildings: [{ id: over.building ?? 'tower-a', name: 'Tower A', floors: 3 }],
  devices: [
    {
      id: over.device ?? 'ta-01-smoke-01',
      building: over.building ?? 'tower-a',
      floor: 1,
      zone: 'z',
      kind: 'smoke_detector',
      label: 'Hall',
      secret: 's3cret-ta-01',
    },
  ],
  apiTokens: [{ name: over.token ?? 'admin', token: 'admin-token', role: 'admin' }],
})

const refusals = (over: Parameters<typeof site>[0]) => {
  const parsed = SiteFile.safeParse(site(over))
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('Ids reserved for the gateway self-test', () => {
  it('When a site file uses the self-test building, device or login name, then it is refused naming the field', () => {
    expect(refusals({})).toEqual([])
    expect(refusals({ building: 'firewatch-self-test' })).toEqual([
      'buildings.0.id: firewatch-self-test is reserved for the gateway self-test (docs/self-watch.md)',
    ])
    expect(refusals({ device: 'firewatch-self-test-probe' })).toEqual([
      'devices.0.id: firewatch-self-test-probe is reserved for the gateway self-test (docs/self-watch.md)',
    ])
    expect(refusals({ token: 'firewatch-self-test-probe' })).toEqual([
      'apiTokens.0.name: firewatch-self-test-probe is reserved for the gateway self-test (docs/self-watch.md)',
    ])
  })
})
