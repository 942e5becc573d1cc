import { describe, expect, it } from 'vitest'
import { PanelDirectory } from '../../ingest/panel/panel-directory.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { addressToWireHex } from '../../ingest/site/uitd-schema.ts'

const SITE = (uitds: string, devices = '', tokens = '') =>
  [
    'site: { name: X, timezone: Asia/Shanghai }',
    'buildings:',
    '  - { id: tower-a, name: A, floors: 20, basements: 1 }',
    '  - { id: tower-b, name: B, floors: 10 }',
    'devices:',
    '  - { id: ta-smoke, building: tower-a, floor: 1, zone: z, kind: smoke_detector, label: L, secret: abcd }',
    devices,
    `uitds:\n${uitds}`,
    tokens ? `apiTokens:\n${tokens}` : '',
  ].join('\n')

const UITD_A = '  - { id: ta-uitd, building: tower-a, address: 889, allowFrom: [127.0.0.1, 10.8.0.0/16] }'
const CALL_POINT =
  '  - { id: ta-12-mcp, building: tower-a, floor: 12, zone: 12-east, kind: panel_component, component: manual_call_point, label: Call point, panel: { uitd: ta-uitd, systemType: 1, systemAddress: 1, partType: 23, partAddress: "12/1" } }'

describe('Site file: UITDs and panel components', () => {
  it('When a UITD and a panel component are declared, then the directory finds them by address and panel address', () => {
    const site = parseSite(SITE(UITD_A, CALL_POINT))
    const directory = new PanelDirectory(site)
    expect(site.uitd('ta-uitd')).toMatchObject({ address: 889, floor: 1, zone: 'fire-control-room' })
    expect(directory.identify(889, '127.0.0.1')).toMatchObject({ uitd: { id: 'ta-uitd' } })
    expect(directory.identify(889, '::ffff:10.8.3.4')).toMatchObject({ uitd: { id: 'ta-uitd' } })
    expect(directory.identify(889, '192.168.1.9')).toEqual({ refused: 'ip-not-allowed' })
    expect(directory.identify(890, '127.0.0.1')).toEqual({ refused: 'unknown-address' })
    // "12/1": zone 12 in the low 16 bits, point 1 in the high 16, as the standard's example.
    const part = { systemType: 1, systemAddress: 1, partAddress: 0x0001000c }
    expect(directory.component('ta-uitd', part)?.id).toBe('ta-12-mcp')
    expect(directory.component('ta-uitd', { ...part, partAddress: 12 })).toBeUndefined()
  })

  it('When the address is written as its bytes on the wire, then it reads low byte first', () => {
    const site = parseSite(SITE('  - { id: ta-uitd, building: tower-a, address: "79 03 00 00 00 00" }'))
    expect(site.uitd('ta-uitd')!.address).toBe(889)
    expect(addressToWireHex(88_888)).toBe('38 5b 01 00 00 00')
  })

  it('When a panel component has no login, then MQTT never lets it in and the sensors list leaves it out', () => {
    const site = parseSite(SITE(UITD_A, CALL_POINT))
    expect(site.sensors.map((d) => d.id)).toEqual(['ta-smoke'])
    expect(site.authenticate('ta-12-mcp', '')).toBeNull()
    expect(site.deviceForCertificate('ta-12-mcp')).toBeNull()
    expect(site.labelOf('ta-12-mcp')).toBe('Call point')
  })

  it.each([
    [
      'a duplicate address',
      `${UITD_A}\n  - { id: tb-uitd, building: tower-b, address: 889 }`,
      '',
      /uitds\[1\]\.address: address 889 is also ta-uitd's/,
    ],
    [
      'an unknown building',
      '  - { id: tz-uitd, building: tower-z, address: 1 }',
      '',
      /uitds\[0\]\.building: unknown building tower-z/,
    ],
    [
      'a UITD id used by a device',
      '  - { id: ta-smoke, building: tower-a, address: 1 }',
      '',
      /uitds\[0\]\.id: id ta-smoke is already used/,
    ],
    [
      'an address beyond 6 bytes',
      '  - { id: ta-uitd, building: tower-a, address: 281474976710656 }',
      '',
      /uitds\[0\]\.address/,
    ],
    [
      'hex without separators',
      '  - { id: ta-uitd, building: tower-a, address: "790300000000" }',
      '',
      /uitds\[0\]\.address/,
    ],
    [
      'a bad CIDR',
      '  - { id: ta-uitd, building: tower-a, address: 1, allowFrom: [10.0.0.0/33] }',
      '',
      /allowFrom\[0\]: an IP address or a CIDR block/,
    ],
    [
      'an unknown UITD of a component',
      UITD_A,
      CALL_POINT.replace('uitd: ta-uitd', 'uitd: tx-uitd'),
      /devices\[1\]\.panel\.uitd: unknown UITD tx-uitd/,
    ],
    [
      'a UITD of another building',
      `${UITD_A}\n  - { id: tb-uitd, building: tower-b, address: 2 }`,
      CALL_POINT.replace('uitd: ta-uitd', 'uitd: tb-uitd'),
      /devices\[1\]\.panel\.uitd: UITD tb-uitd is in tower-b, not tower-a/,
    ],
    [
      'two components at one panel address',
      UITD_A,
      `${CALL_POINT}\n${CALL_POINT.replace('ta-12-mcp', 'ta-12-mcp-2')}`,
      /devices\[2\]\.panel\.partAddress: ta-12-mcp-2 has the panel address of ta-12-mcp/,
    ],
    [
      'a component without a panel',
      UITD_A,
      CALL_POINT.replace(/, panel: \{.*\} \}$/, ' }'),
      /devices\[1\]\.panel/,
    ],
    [
      'a component with a secret',
      UITD_A,
      CALL_POINT.replace('label: Call point', 'label: Call point, secret: abcd'),
      /devices\[1\]/,
    ],
    [
      'an unknown component type',
      UITD_A,
      CALL_POINT.replace('manual_call_point', 'toaster'),
      /devices\[1\]\.component/,
    ],
    [
      'a part address "zone/point" out of range',
      UITD_A,
      CALL_POINT.replace('"12/1"', '"70000/1"'),
      /partAddress/,
    ],
  ])('When the site has %s, then loading fails naming the field', (_what, uitds, devices, message) => {
    expect(() => parseSite(SITE(uitds, devices))).toThrow(message)
  })

  it('When a site file has no uitds section, then it is valid and has none', () => {
    const text = SITE('  []').replace('uitds:\n  []', '')
    expect(parseSite(text).uitds).toEqual([])
  })
})
