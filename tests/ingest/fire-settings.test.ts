import { describe, expect, it } from 'vitest'
import { parseSite } from '../../ingest/site/load-site.ts'

// The `fire:` section of the site file (docs/rules.md): defaults, and every bad field named.

const site = (fire: string) =>
  [
    'site: { name: X, timezone: Asia/Shanghai }',
    'buildings:',
    '  - { id: tower-a, name: A, floors: 10, basements: 1 }',
    'devices:',
    '  - { id: d1, building: tower-a, floor: 1, zone: z, kind: electrical_monitor, label: L, secret: abcd }',
    fire,
  ].join('\n')

describe('fire settings in the site file', () => {
  it('When a site has no fire section, then the engineering defaults apply', () => {
    const fire = parseSite(site(''), 's').file.fire
    expect(fire.confirmation).toEqual({ enabled: true, windowSec: 300 })
    expect(fire.spread).toEqual({ enabled: true, windowSec: 900, adjacentFloors: 1 })
    expect(fire.floorOffline).toEqual({ enabled: true, minDevices: 3, share: 0.8, windowSec: 120 })
    expect(fire.windows).toEqual({ defaultMin: 240, maxMin: 1440, deviceTestMin: 10, schedule: [] })
    expect(fire.storm.enabled).toBe(true)
  })

  it('When a schedule is valid, then it is kept as written', () => {
    const fire = parseSite(
      site(
        'fire:\n  windows:\n    schedule:\n      - { id: w1, building: tower-a, floor: -1, reason: pump test, cron: "30 9 * * 1", durationMin: 30 }',
      ),
      's',
    ).file.fire
    expect(fire.windows.schedule).toEqual([
      { id: 'w1', building: 'tower-a', floor: -1, reason: 'pump test', cron: '30 9 * * 1', durationMin: 30 },
    ])
  })

  it.each([
    [
      'a bad cron expression',
      '  windows: { schedule: [{ id: w1, building: tower-a, reason: r, cron: "every day", durationMin: 5 }] }',
      /fire\.windows\.schedule\[0\]\.cron: not a cron expression/,
    ],
    [
      'a cron expression with a seconds field (minutes are the unit, as for the schedules)',
      '  windows: { schedule: [{ id: w1, building: tower-a, reason: r, cron: "0 30 9 * * 1", durationMin: 5 }] }',
      /fire\.windows\.schedule\[0\]\.cron: seconds field: not supported/,
    ],
    [
      'an open-ended window',
      '  windows: { schedule: [{ id: w1, building: tower-a, reason: r, cron: "0 9 * * *" }] }',
      /durationMin/,
    ],
    [
      'an unknown building',
      '  shafts: [{ id: s1, building: tower-z, floors: [1, 2] }]',
      /fire\.shafts\[0\]\.building: unknown building tower-z/,
    ],
    [
      'an unknown circuit',
      '  zones: [{ building: tower-a, zone: z, circuits: [nope] }]',
      /fire\.zones\[0\]\.circuits\[0\]: unknown device nope/,
    ],
    [
      'an unknown zone',
      '  zones: [{ building: tower-a, zone: zz }]',
      /fire\.zones\[0\]\.zone: no device of tower-a is in zone zz/,
    ],
    ['a share above 1', '  floorOffline: { share: 1.5 }', /fire\.floorOffline\.share/],
    ['a typo', '  confirmaton: { windowSec: 60 }', /confirmaton/],
  ])('When the fire section has %s, then loading fails and names the field', (_what, yaml, message) => {
    expect(() => parseSite(site(`fire:\n${yaml}`), 's')).toThrow(message)
  })
})
