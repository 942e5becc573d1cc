import { describe, expect, it } from 'vitest'
import { loadSite, parseSite } from '../../ingest/site/load-site.ts'
import { canSeeBuilding } from '../../ingest/site/site-model.ts'
import { ROOT } from '../support/paths.ts'

const valid = (devices: string, tokens = '') =>
  [
    'site: { name: X, timezone: Asia/Shanghai }',
    'buildings:',
    '  - { id: tower-a, name: A, floors: 10, basements: 1 }',
    'devices:',
    devices,
    tokens ? `apiTokens:\n${tokens}` : '',
  ].join('\n')

describe('Site file', () => {
  it('When the bundled demo site is loaded, then it has 2+ buildings and dozens of devices of every kind', () => {
    const site = loadSite(`${ROOT}/gateway/demo-site.yaml`)
    expect(site.buildings.length).toBeGreaterThanOrEqual(2)
    expect(site.devices.length).toBeGreaterThanOrEqual(24)
    expect(new Set(site.devices.map((d) => d.kind))).toEqual(
      new Set(['smoke_detector', 'pressure_sensor', 'level_sensor', 'electrical_monitor', 'panel_component']),
    )
  })

  it.each([
    [
      'an unknown building',
      '  - { id: d1, building: tower-z, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd }',
      /5 devices\[0\]\.building: unknown building tower-z/,
    ],
    [
      'floor 0',
      '  - { id: d1, building: tower-a, floor: 0, zone: z, kind: smoke_detector, label: L, secret: abcd }',
      /devices\[0\]\.floor: floor 0 is not in tower-a/,
    ],
    [
      'a basement too deep',
      '  - { id: d1, building: tower-a, floor: -2, zone: z, kind: smoke_detector, label: L, secret: abcd }',
      /devices\[0\]\.floor/,
    ],
    [
      'an unknown kind',
      '  - { id: d1, building: tower-a, floor: 1, zone: z, kind: toaster, label: L, secret: abcd }',
      /devices\[0\]\.kind/,
    ],
    [
      'an upper-case id',
      '  - { id: D1, building: tower-a, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd }',
      /devices\[0\]\.id/,
    ],
    [
      'a typo in a field',
      '  - { id: d1, building: tower-a, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd, heartbeat: 5 }',
      /devices\[0\]: .*heartbeat/i,
    ],
    [
      'a bad rule parameter',
      '  - { id: d1, building: tower-a, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd, rules: { smoke.alarm: { samples: 0 } } }',
      /devices\[0\]\.rules\.smoke\.alarm\.samples/,
    ],
  ])('When a device has %s, then the error names the line and field', (_what, device, message) => {
    expect(() => parseSite(valid(device), 'site.yaml')).toThrow(message)
  })

  it('When two devices share an id, then the duplicate is named', () => {
    const d =
      '  - { id: d1, building: tower-a, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd }'
    expect(() => parseSite(valid(`${d}\n${d}`))).toThrow(/devices\[1\]\.id: duplicate device id d1/)
  })

  it('When a manager token has no buildings, then it is refused', () => {
    expect(() => parseSite(valid('  []', '  - { name: m, token: manager-token, role: manager }'))).toThrow(
      /apiTokens\[0\]\.buildings/,
    )
  })

  it('When credentials are checked, then devices and tokens authenticate only with their own secret', () => {
    const site = parseSite(
      valid(
        '  - { id: d1, building: tower-a, floor: -1, zone: z, kind: level_sensor, label: L, secret: abcd }',
        '  - { name: m, token: manager-token, role: manager, buildings: [tower-a] }',
      ),
    )
    expect(site.authenticate('d1', 'abcd')?.type).toBe('device')
    expect(site.authenticate('d1', 'abce')).toBeNull()
    expect(site.authenticate('m', 'manager-token')?.type).toBe('token')
    expect(site.authenticate('m', 'abcd')).toBeNull()
    const manager = site.principalForToken('manager-token')!
    expect(canSeeBuilding(manager, 'tower-a')).toBe(true)
    expect(canSeeBuilding(manager, 'tower-b')).toBe(false)
    expect(site.principalForToken('nope')).toBeNull()
  })
})
