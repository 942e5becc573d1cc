import { z } from 'zod'

const Count = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

/**
 * Self-watch (docs/self-watch.md, README "Self-watch"): the outbound heartbeat an outside monitor
 * waits for, and the scheduled self-test through the alarm path. Every variable is optional.
 */
export const SelfWatchEnv = z.object({
  /**
   * A dead-man monitor's push URL (healthchecks.io, Uptime Kuma push, ...). Unset: no heartbeat.
   * It may carry a secret in its path or query, so it is never logged whole.
   */
  HEARTBEAT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Seconds between two beats; a failed beat is simply tried again at the next one. */
  HEARTBEAT_INTERVAL_S: Count(1, 86_400).default(60),
  /** `POST` sends a small JSON body (status, last self-test); `GET` suits monitors that only count hits. */
  HEARTBEAT_METHOD: z.enum(['GET', 'POST']).default('POST'),
  /** A beat not answered within this is counted as failed (capped at the interval). */
  HEARTBEAT_TIMEOUT_MS: Count(100, 60_000).default(5_000),
  /**
   * Seconds between two self-tests; 0 turns the self-test off. At least 10: the probe sends one
   * test fire alarm per run, well inside its per-minute fire-alarm budget (README "Security").
   */
  SELF_TEST_INTERVAL_S: z.coerce
    .number()
    .int()
    .refine((s) => s === 0 || (s >= 10 && s <= 86_400), '0 (off) or 10 to 86400 seconds')
    .default(300),
})
export type SelfWatchEnv = z.infer<typeof SelfWatchEnv>
