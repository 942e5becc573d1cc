import type { Cap } from './fd-budget.ts'

/** Which cap refused a connection. */
export type CapVerdict = 'address' | 'total'

/** Addresses of the gateway's own host: its health check and local tools. */
const OWN_HOST = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

export function isOwnHost(address: string): boolean {
  return OWN_HOST.has(address)
}

/**
 * Open connections (or streams) of one kind, in all and per source address. `tryOpen` counts a new
 * one or says which cap it is over; every counted one must be closed exactly once.
 */
export class ConnectionCounter {
  private total = 0
  private readonly byAddress = new Map<string, number>()

  constructor(
    readonly cap: Cap,
    /** The gateway's own host is refused only by its per-address cap, so that /healthz still gets in. */
    private readonly ownHostBeyondTotal = false,
  ) {}

  get open(): number {
    return this.total
  }

  openFrom(address: string): number {
    return this.byAddress.get(address) ?? 0
  }

  /** Counts the connection and answers null, or answers the cap it would exceed (nothing is counted). */
  tryOpen(address: string): CapVerdict | null {
    const fromAddress = this.openFrom(address)
    if (fromAddress >= this.cap.perAddress) return 'address'
    const exempt = this.ownHostBeyondTotal && isOwnHost(address)
    if (this.total >= this.cap.total && !exempt) return 'total'
    this.total++
    this.byAddress.set(address, fromAddress + 1)
    return null
  }

  close(address: string): void {
    const fromAddress = this.openFrom(address)
    if (fromAddress <= 0) return
    this.total--
    if (fromAddress === 1) this.byAddress.delete(address)
    else this.byAddress.set(address, fromAddress - 1)
  }
}
