import { SecretVerifier } from './secret-cache.ts'
import { isHashedSecret, sameDigest, verifySecret } from './secret-hash.ts'

/** A well-formed hash (zero salt, zero key) that no password derives; checked for unknown usernames. */
const UNKNOWN_USER_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

import type { ApiToken, Building, Device, SiteFile } from './site-schema.ts'

export type Role = ApiToken['role']

/** Who is asking: a device (MQTT) or an API token (MQTT or HTTP). */
export type Principal =
  | { type: 'device'; device: Device }
  | { type: 'token'; name: string; role: Role; buildings: ReadonlySet<string> | null }

/** The site file made fast to query: lookups by id, credentials checked in constant time. */
export class SiteModel {
  readonly name: string
  readonly timezone: string
  readonly locale: SiteFile['site']['locale']
  readonly offlineGraceMs: number
  readonly buildings: readonly Building[]
  readonly devices: readonly Device[]
  private readonly buildingById: Map<string, Building>
  private readonly deviceById: Map<string, Device>
  private readonly tokenByName: Map<string, ApiToken>
  private readonly tokenByValue: Map<string, ApiToken>
  /** Tokens stored as hashes cannot be looked up by value; a bearer token is tried against each. */
  private readonly hashedTokens: readonly ApiToken[]
  private readonly secrets = new SecretVerifier()

  constructor(readonly file: SiteFile) {
    this.name = file.site.name
    this.timezone = file.site.timezone
    this.locale = file.site.locale
    this.offlineGraceMs = file.site.offlineGraceSec * 1000
    this.buildings = file.buildings
    this.devices = file.devices
    this.buildingById = new Map(file.buildings.map((b) => [b.id, b]))
    this.deviceById = new Map(file.devices.map((d) => [d.id, d]))
    this.tokenByName = new Map(file.apiTokens.map((t) => [t.name, t]))
    const plainTokens = file.apiTokens.filter((t) => !isHashedSecret(t.token))
    this.tokenByValue = new Map(plainTokens.map((t) => [t.token, t]))
    this.hashedTokens = file.apiTokens.filter((t) => isHashedSecret(t.token))
  }

  building(id: string): Building | undefined {
    return this.buildingById.get(id)
  }

  device(id: string): Device | undefined {
    return this.deviceById.get(id)
  }

  devicesOf(buildingId: string): Device[] {
    return this.devices.filter((d) => d.building === buildingId)
  }

  /**
   * MQTT login: username is a device id or a token name. Checks plain and hashed secrets (scrypt,
   * off the event loop); what the gateway uses.
   */
  async verifyLogin(username: string, password: string): Promise<Principal | null> {
    const device = this.deviceById.get(username)
    if (device)
      return (await this.secrets.verify(device.secret, password)) ? { type: 'device', device } : null
    const token = this.tokenByName.get(username)
    if (token) return (await this.secrets.verify(token.token, password)) ? tokenPrincipal(token) : null
    // An unknown name costs what a known one does, so the answer time does not tell which exist.
    if (this.hashedTokens.length > 0 || this.devices.some((d) => isHashedSecret(d.secret))) {
      await verifySecret(UNKNOWN_USER_HASH, password)
    }
    return null
  }

  /** HTTP login with plain or hashed tokens; what the gateway uses. */
  async principalForBearer(token: string): Promise<Principal | null> {
    const plain = this.principalForToken(token)
    if (plain || this.hashedTokens.length === 0) return plain
    const known = this.hashedTokens.find((t) => this.secrets.knownMatch(t.token, token))
    if (known) return tokenPrincipal(known)
    for (const t of this.hashedTokens) {
      if (await this.secrets.verify(t.token, token)) return tokenPrincipal(t)
    }
    return null
  }

  /** The device a client certificate names (CN = device id), if it is in the site. */
  deviceForCertificate(commonName: string): Principal | null {
    const device = this.deviceById.get(commonName)
    return device ? { type: 'device', device } : null
  }

  /** Synchronous login for plain secrets only (hashed ones never match): tests and simulators. */
  authenticate(username: string, password: string): Principal | null {
    const device = this.deviceById.get(username)
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
