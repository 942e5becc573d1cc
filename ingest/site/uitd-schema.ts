import { BlockList, isIP } from 'node:net'
import { z } from 'zod'

// The `uitds:` section of the site file and the `panel:` field of panel components: which user
// information transmission devices (UITD, 用户信息传输装置) may report a building's fire panel over
// GB/T 26875.3, and which panel address is which site device. docs/gbt26875.md "The site file".

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')
const ADDRESS_LIMIT = 2 ** 48
const PART_ADDRESS_LIMIT = 2 ** 32

/**
 * A UITD's 6-byte source address: a number (as `firewatch-sim uitd --address` and the docs write
 * it), or its six bytes in hex as they travel, low byte first, separated by blanks, `:` or `-`
 * (`"79 03 00 00 00 00"` is 889), as a capture shows them. Without separators twelve digits would
 * read as a decimal number in YAML, so they are required.
 */
export const UitdAddress = z
  .union([
    z
      .number()
      .int()
      .min(0)
      .max(ADDRESS_LIMIT - 1),
    z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{2}([ :-][0-9a-fA-F]{2}){5}$/, {
        message:
          'an address is a number, or its 6 bytes in hex as sent (low byte first), e.g. "79 03 00 00 00 00"',
      })
      .transform((s) => addressFromWireHex(s.replace(/[ :-]/g, ''))),
  ])
  .describe('6-byte UITD address')

/** The 12 hex digits of a 6-byte address as sent (low byte first) -> the number. */
export function addressFromWireHex(hex: string): number {
  let n = 0
  for (let i = 5; i >= 0; i--) n = n * 256 + Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return n
}

/** The number -> its 12 hex digits as sent, byte by byte: 889 -> "79 03 00 00 00 00". */
export function addressToWireHex(address: number): string {
  const bytes: string[] = []
  let n = address
  for (let i = 0; i < 6; i++) {
    bytes.push((n % 256).toString(16).padStart(2, '0'))
    n = Math.floor(n / 256)
  }
  return bytes.join(' ')
}

/** An IPv4 or IPv6 address, or a CIDR block of one. */
const IpOrCidr = z.string().refine(
  (entry) => {
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    if (family === 0 || rest.length > 0) return false
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  },
  { message: 'an IP address or a CIDR block (10.1.2.3, 10.1.0.0/16, fd00::/8)' },
)

/** The addresses a list of IPs and CIDR blocks allows (IPv4-mapped IPv6 addresses too). */
export function ipAllowList(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return list
}

export const Uitd = z
  .object({
    id: Id,
    building: Id,
    label: z.string().min(1).max(200).optional(),
    address: UitdAddress,
    /**
     * Remote IPs or CIDR blocks the UITD may connect from. The protocol has no authentication and
     * the address in a frame can be forged: this list (with the address) is the defence. Absent =
     * any IP (start-up logs a warning).
     */
    allowFrom: z.array(IpOrCidr).min(1).max(64).optional(),
    /** IANA zone of its time tags; the site's when absent. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone').optional(),
    /** Where it is installed (usually the fire control room): the place of its own alerts. */
    floor: z.number().int().min(-20).max(300).default(1),
    zone: z.string().min(1).max(64).default('fire-control-room'),
  })
  .strict()
export type Uitd = z.infer<typeof Uitd>

export const COMPONENT_TYPES = [
  'smoke',
  'heat',
  'manual_call_point',
  'water_flow',
  'signal_valve',
  'pump',
  'fan',
  'fire_door',
  'other',
] as const
export const ComponentType = z.enum(COMPONENT_TYPES)
export type ComponentType = z.infer<typeof ComponentType>

/**
 * A part address (4 bytes): a number, or "zone/point" for the convention of the standard's example
 * (zone in the low 16 bits, point in the high 16: "10/2" is 2号10区 = 0x0002000A). Panels differ:
 * take the number the panel's UITD sends when in doubt (GET /api/v1/uitds lists what it sent).
 */
export const PartAddress = z.union([
  z
    .number()
    .int()
    .min(0)
    .max(PART_ADDRESS_LIMIT - 1),
  z
    .string()
    .regex(/^\d{1,5}\/\d{1,5}$/, 'a part address is a number, or "zone/point" such as "12/1"')
    .transform((s, ctx) => {
      const [zone, point] = s.split('/').map(Number) as [number, number]
      if (zone > 0xffff || point > 0xffff) {
        ctx.addIssue({ code: 'custom', message: 'zone and point are at most 65535' })
        return z.NEVER
      }
      return point * 0x10000 + zone
    }),
])

/** Where a panel component is on its panel, and which UITD reports that panel. */
export const PanelAddress = z
  .object({
    uitd: Id,
    systemType: z.number().int().min(0).max(255),
    systemAddress: z.number().int().min(0).max(255),
    /** Optional: the standard's own queries address a part without its type (GB/T 26875.3 §8.3). */
    partType: z.number().int().min(0).max(255).optional(),
    partAddress: PartAddress,
  })
  .strict()
export type PanelAddress = z.infer<typeof PanelAddress>

/** The key of a component on the panels of the site: UITD, system and part address. */
export function panelKey(
  uitd: string,
  a: { systemType: number; systemAddress: number; partAddress: number },
) {
  return `${uitd}/${a.systemType}.${a.systemAddress}.${a.partAddress}`
}

export const uitdShape = {
  uitds: z.array(Uitd).default([]),
}

interface UitdParts {
  buildings: { id: string; floors: number; basements: number }[]
  devices: { id: string; building: string; kind: string; panel?: PanelAddress }[]
  apiTokens: { name: string }[]
  uitds: Uitd[]
}

/**
 * UITD ids unique (and apart from device ids and token names: a UITD's own alerts carry its id
 * where a device's carry the device's), addresses unique, buildings known; a panel component's
 * UITD exists and is in its building, and no two components share a panel address.
 */
export function checkUitdReferences(site: UitdParts, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message })
  const buildings = new Map(site.buildings.map((b) => [b.id, b]))
  const taken = new Set([...site.devices.map((d) => d.id), ...site.apiTokens.map((t) => t.name)])
  const byId = new Map<string, Uitd>()
  const addresses = new Map<number, string>()
  site.uitds.forEach((u, i) => {
    if (byId.has(u.id) || taken.has(u.id)) issue(['uitds', i, 'id'], `id ${u.id} is already used`)
    byId.set(u.id, u)
    const other = addresses.get(u.address)
    if (other !== undefined) issue(['uitds', i, 'address'], `address ${u.address} is also ${other}'s`)
    addresses.set(u.address, u.id)
    const b = buildings.get(u.building)
    if (!b) issue(['uitds', i, 'building'], `unknown building ${u.building}`)
    else if (u.floor > b.floors || u.floor < -b.basements || u.floor === 0)
      issue(['uitds', i, 'floor'], `floor ${u.floor} is not in ${b.id}`)
  })
  const parts = new Map<string, string>()
  site.devices.forEach((d, i) => {
    if (!d.panel) return
    const uitd = byId.get(d.panel.uitd)
    if (!uitd) {
      issue(['devices', i, 'panel', 'uitd'], `unknown UITD ${d.panel.uitd}`)
      return
    }
    if (uitd.building !== d.building)
      issue(['devices', i, 'panel', 'uitd'], `UITD ${uitd.id} is in ${uitd.building}, not ${d.building}`)
    const key = panelKey(uitd.id, d.panel)
    const other = parts.get(key)
    if (other !== undefined)
      issue(['devices', i, 'panel', 'partAddress'], `${d.id} has the panel address of ${other}`)
    parts.set(key, d.id)
  })
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
