import { timingSafeEqual } from 'node:crypto'
import { digest, isHashedSecret, verifySecret } from './secret-hash.ts'

/**
 * Remembers, per hashed secret, the digest of the value that last matched it, so that a device
 * reconnecting every few seconds costs one scrypt in total, not one per login. Only values that
 * matched are remembered: a wrong guess always pays the full scrypt.
 */
export class SecretVerifier {
  private readonly verified = new Map<string, Buffer>()

  async verify(stored: string, given: string): Promise<boolean> {
    if (!isHashedSecret(stored)) return verifySecret(stored, given)
    const known = this.verified.get(stored)
    if (known && timingSafeEqual(known, digest(given))) return true
    const ok = await verifySecret(stored, given)
    if (ok) this.verified.set(stored, digest(given))
    return ok
  }

  /** True without any scrypt when `given` is the value that last matched `stored`. */
  knownMatch(stored: string, given: string): boolean {
    const known = this.verified.get(stored)
    return known !== undefined && timingSafeEqual(known, digest(given))
  }
}
