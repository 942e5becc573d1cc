import { z } from 'zod'

const MIB = 1024 * 1024

/**
 * Environment of the hazard register and its reports (README "Hazard register"; the limits also in
 * SECURITY.md). Spread into the gateway's environment schema (gateway/config.ts).
 */
export const RegisterEnv = z.object({
  /** Largest evidence photo accepted (413 beyond it, before the body is read when it says its size). */
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(50 * MIB)
    .default(5 * MIB),
  /** Photos one hazard may hold (409 beyond it): a bound on the disk one hazard can take. */
  EVIDENCE_MAX_FILES_PER_HAZARD: z.coerce.number().int().min(1).max(200).default(20),
  /** Largest CSV list accepted by POST /api/v1/hazards/import. */
  HAZARD_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .max(20 * MIB)
    .default(2 * MIB),
  /** `auto`: a Chromium found at a known path prints PDFs; `off`; or the browser's path. */
  REPORT_PDF_BROWSER: z.string().min(1).default('auto'),
  /** A print that takes longer is killed (503 FGW_ERR_REPORT_PDF). */
  REPORT_PDF_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(60_000),
  /** How long a report's tracked link keeps working after it was sent. */
  REPORT_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
})
export type RegisterEnv = z.infer<typeof RegisterEnv>
