import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/

/** '90s', '5m', '2h', '1h30m', '250ms' -> milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '0') return 0
  if (!WHOLE.test(trimmed)) return null
  let ms = 0
  for (const [, amount, unit] of trimmed.matchAll(PART))
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  return Math.round(ms)
}

/** A duration field of a scenario: a string such as '90s', '5m', '2h' (or the number 0), parsed to ms. */
export const Duration = z.union([z.string(), z.literal(0)]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? 0 : parseDuration(value)
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration; write e.g. 90s, 5m, 2h, 1h30m` })
    return z.NEVER
  }
  return ms
})

/** Milliseconds as a short human duration: 0s, 45s, 4m05s, 2h00m10s; sub-second values as 1.25s. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : ''
  const abs = Math.abs(ms)
  if (abs < 60_000) return `${sign}${Number((abs / 1000).toFixed(abs % 1000 === 0 ? 0 : 2))}s`
  const totalSec = Math.round(abs / 1000)
  const h = Math.floor(totalSec / 3600)
  const m = Math.floor((totalSec % 3600) / 60)
  const s = totalSec % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${sign}${h}h${pad(m)}m${pad(s)}s` : `${sign}${m}m${pad(s)}s`
}
