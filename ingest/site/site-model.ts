import { Permits, RefusedSecrets, SecretVerifier } from './secret-cache.ts'
import { digest, isHashedSecret, sameDigest, verifySecret } from './secret-hash.ts'

/** A well-formed hash (zero salt, zero key) that no password derives; checked for unknown usernames. */
const UNKNOWN_USER_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

import type { Contact } from './notify-schema.ts'
import {
  type ApiToken,
  type Building,
  type Device,
  isSensor,
  type SensorDevice,
  type SiteFile,
} from './site-schema.ts'
import type { Uitd } from './uitd-schema.ts'

/**
 * Bearer tokens checked with scrypt at once: half of libuv's default thread pool of 4, so a flood
 * of guesses leaves the other half to files and DNS (and to MQTT logins).
 */
const BEARER_SCRYPT_PERMITS = 2
/** How long, and how many, wrong bearer tokens are remembered as refused. */
const REFUSED_TTL_MS = 10 * 60_000
const REFUSED_MAX = 10_000

export interface SiteModelOptions {
  /** For the age of remembered refusals; the gateway passes its clock. */
  clock?: { now(): number }
}

/** Read by the gateway's metrics at scrape time (firewatch_http_bearer_*_total). */
export interface BearerCheckCounts {
  /** scrypt runs for bearer tokens, one per hashed token tried. */
  scrypt: number
  /** Bearer tokens refused from the memory of recent refusals, without any scrypt. */
  refusedFromMemory: number
}

export type Role = ApiToken['role']

/** Who is asking: a device (MQTT) or an API token (MQTT or HTTP). */
export type Principal =
  | { type: 'device'; device: SensorDevice }
  | { type: 'token'; name: string; role: Role; buildings: ReadonlySet<string> | null }

/** The site file made fast to query: lookups by id, credentials checked in constant time. */
export class SiteModel {
  readonly name: string
  readonly timezone: string
  readonly locale: SiteFile['site']['locale']
  readonly offlineGraceMs: number
  readonly buildings: readonly Building[]
  readonly devices: readonly Device[]
  /** The devices with an MQTT login (panel components report through their UITD instead). */
  readonly sensors: readonly SensorDevice[]
  /** The fire panels' user information transmission devices (`uitds:`). */
  readonly uitds: readonly Uitd[]
  private readonly buildingById: Map<string, Building>
  private readonly deviceById: Map<string, Device>
  private readonly sensorById: Map<string, SensorDevice>
  private readonly uitdById: Map<string, Uitd>
  private readonly contactById: Map<string, Contact>
  private readonly tokenByName: Map<string, ApiToken>
  private readonly tokenByValue: Map<string, ApiToken>
  /** Tokens stored as hashes cannot be looked up by value; a bearer token is tried against each. */
  private readonly hashedTokens: readonly ApiToken[]
  private readonly secrets = new SecretVerifier()
  // Both live and die with this model: the secrets they were filled against never change, and a
  // changed site file is a new SiteModel with empty ones (so a newly valid token is never refused).
  private readonly refusedBearers: RefusedSecrets
  private readonly bearerPermits = new Permits(BEARER_SCRYPT_PERMITS)
  readonly bearerChecks: BearerCheckCounts = { scrypt: 0, refusedFromMemory: 0 }

  constructor(
    readonly file: SiteFile,
    options: SiteModelOptions = {},
  ) {
    // Without a clock (tests, simulators, tools) remembered refusals age by the system time.
    const clock = options.clock ?? { now: () => Date.now() }
    this.refusedBearers = new RefusedSecrets({ ttlMs: REFUSED_TTL_MS, maxEntries: REFUSED_MAX, clock })
    this.name = file.site.name
    this.timezone = file.site.timezone
    this.locale = file.site.locale
    this.offlineGraceMs = file.site.offlineGraceSec * 1000
    this.buildings = file.buildings
    this.devices = file.devices
    this.sensors = file.devices.filter(isSensor)
    this.uitds = file.uitds
    this.buildingById = new Map(file.buildings.map((b) => [b.id, b]))
    this.deviceById = new Map(file.devices.map((d) => [d.id, d]))
    this.sensorById = new Map(this.sensors.map((d) => [d.id, d]))
    this.uitdById = new Map(file.uitds.map((u) => [u.id, u]))
    this.contactById = new Map(file.contacts.map((c) => [c.id, c]))
    this.tokenByName = new Map(file.apiTokens.map((t) => [t.name, t]))
    const plainTokens = file.apiTokens.filter((t) => !isHashedSecret(t.token))
    this.tokenByValue = new Map(plainTokens.map((t) => [t.token, t]))
    this.hashedTokens = file.apiTokens.filter((t) => isHashedSecret(t.token))
  }

  building(id: string): Building | undefined {
    return this.buildingById.get(id)
  }

  contact(id: string): Contact | undefined {
    return this.contactById.get(id)
  }

  device(id: string): Device | undefined {
    return this.deviceById.get(id)
  }

  devicesOf(buildingId: string): Device[] {
    return this.devices.filter((d) => d.building === buildingId)
  }

  uitd(id: string): Uitd | undefined {
    return this.uitdById.get(id)
  }

  /** What an alert's device column names, for people: a device's or a UITD's label, else the key. */
  labelOf(key: string): string {
    return this.deviceById.get(key)?.label ?? this.uitdById.get(key)?.label ?? key
  }

  /**
   * MQTT login: username is a device id or a token name. Checks plain and hashed secrets (scrypt,
   * off the event loop); what the gateway uses.
   */
  async verifyLogin(username: string, password: string): Promise<Principal | null> {
    const device = this.sensorById.get(username)
    if (device)
      return (await this.secrets.verify(device.secret, password)) ? { type: 'device', device } : null
    const token = this.tokenByName.get(username)
    if (token) return (await this.secrets.verify(token.token, password)) ? tokenPrincipal(token) : null
    // An unknown name (a panel component's too: it has no login) costs what a known one does, so
    // the answer time does not tell which exist.
    if (this.hashedTokens.length > 0 || this.sensors.some((d) => isHashedSecret(d.secret))) {
      await verifySecret(UNKNOWN_USER_HASH, password)
    }
    return null
  }

  /**
   * HTTP login with plain or hashed tokens; what the gateway uses. A token that matched before,
   * or was refused lately, costs no scrypt; the others wait for one of a few permits, so a flood
   * of guesses cannot take the thread pool. A wrong token costs one scrypt per hashed token, once.
   */
  async principalForBearer(token: string): Promise<Principal | null> {
    const plain = this.principalForToken(token)
    if (plain || this.hashedTokens.length === 0) return plain
    const given = digest(token)
    const cheap = this.bearerWithoutScrypt(given)
    if (cheap !== undefined) return cheap
    return this.bearerPermits.run(async () => {
      // Asked again: a request with the same token may have settled it while this one waited.
      const settled = this.bearerWithoutScrypt(given)
      if (settled !== undefined) return settled
      for (const t of this.hashedTokens) {
        this.bearerChecks.scrypt += 1
        if (await this.secrets.verify(t.token, token, given)) return tokenPrincipal(t)
      }
      this.refusedBearers.add(given)
      return null
    })
  }

  /** The answer for a bearer token (its digest) known to match, or null if refused lately; undefined: unknown. */
  private bearerWithoutScrypt(given: Buffer): Principal | null | undefined {
    const known = this.hashedTokens.find((t) => this.secrets.knownMatch(t.token, given))
    if (known) return tokenPrincipal(known)
    if (!this.refusedBearers.has(given)) return undefined
    this.bearerChecks.refusedFromMemory += 1
    return null
  }

  /** The device a client certificate names (CN = device id), if it is in the site. */
  deviceForCertificate(commonName: string): Principal | null {
    const device = this.sensorById.get(commonName)
    return device ? { type: 'device', device } : null
  }

  /** Synchronous login for plain secrets only (hashed ones never match): tests and simulators. */
  authenticate(username: string, password: string): Principal | null {
    const device = this.sensorById.get(username)
    if (device) return sameSecret(device.secret, password) ? { type: 'device', device } : null
    const token = this.tokenByName.get(username)
    if (token && sameSecret(token.token, password)) return tokenPrincipal(token)
    return null
  }

  /** HTTP login with the bearer token alone, plain tokens only (hashed ones: principalForBearer). */
  principalForToken(token: string): Principal | null {
    const found = this.tokenByValue.get(token)
    return found && sameSecret(found.token, token) ? tokenPrincipal(found) : null
  }
}

/** True when the principal may see the building (managers see only their own). */
export function canSeeBuilding(principal: Principal, buildingId: string): boolean {
  if (principal.type === 'device') return principal.device.building === buildingId
  return principal.buildings === null || principal.buildings.has(buildingId)
}

function tokenPrincipal(token: ApiToken): Principal {
  const buildings = token.role === 'manager' ? new Set(token.buildings ?? []) : null
  return { type: 'token', name: token.name, role: token.role, buildings }
}

function sameSecret(expected: string, given: string): boolean {
  return !isHashedSecret(expected) && sameDigest(expected, given)
}
