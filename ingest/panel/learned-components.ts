import type { PanelBits } from './panel-status.ts'
import type { ComponentRef } from './uitd-sinks.ts'

/** A part a UITD reported that the site file does not declare, as the admin sees it (GET /api/v1/uitds). */
export interface LearnedComponent {
  /** The alert key its states raise on: learned:<uitd>/<system type>.<system address>.<part address>. */
  key: string
  uitd: string
  systemType: number
  systemAddress: number
  partType: number
  partAddress: number
  /** The part address as "zone/point" (low/high 16 bits), the form the site file also takes. */
  zonePoint: string
  /** The panel's own text for it, the latest one. */
  description: string
  firstSeenAt: number
  lastSeenAt: number
  reports: number
  /** The status bits set in its latest state report (fire, fault, ...); [] before any. */
  state: (keyof PanelBits)[]
  /** The latest analogue value, when it sent one. */
  lastValue: { metric: string; value: number } | null
}

export function learnedKey(
  uitd: string,
  c: { systemType: number; systemAddress: number; partAddress: number },
) {
  return `learned:${uitd}/${c.systemType}.${c.systemAddress}.${c.partAddress}`
}

/**
 * Every undeclared part each UITD reported, so that an admin can place it in the site file; never
 * silently dropped. Bounded per UITD (a UITD inventing addresses must not grow it for ever): past
 * the bound a part is counted in `overflow`, and its states still raise their alerts.
 */
export class LearnedComponents {
  private readonly byUitd = new Map<string, Map<string, LearnedComponent>>()
  private readonly overflowed = new Map<string, number>()

  constructor(private readonly maxPerUitd = 1_024) {}

  /** A report of the part: its state (bits) or a value. Returns the part, or null past the bound. */
  observe(
    uitd: string,
    ref: ComponentRef,
    at: number,
    what: { description?: string; bits?: PanelBits; value?: { metric: string; value: number } },
  ): LearnedComponent | null {
    const key = learnedKey(uitd, ref)
    let parts = this.byUitd.get(uitd)
    if (!parts) {
      parts = new Map()
      this.byUitd.set(uitd, parts)
    }
    let part = parts.get(key)
    if (!part) {
      if (parts.size >= this.maxPerUitd) {
        this.overflowed.set(uitd, (this.overflowed.get(uitd) ?? 0) + 1)
        return null
      }
      part = newPart(key, uitd, ref, at)
      parts.set(key, part)
    }
    part.lastSeenAt = Math.max(part.lastSeenAt, at)
    part.reports++
    part.partType = ref.partType
    if (what.description) part.description = what.description
    if (what.bits) part.state = setBits(what.bits)
    if (what.value) part.lastValue = what.value
    return part
  }

  of(uitd: string): LearnedComponent[] {
    return [...(this.byUitd.get(uitd)?.values() ?? [])]
  }

  /** Parts of the UITD not listed because the bound was reached (reports, not parts). */
  overflow(uitd: string): number {
    return this.overflowed.get(uitd) ?? 0
  }
}

function newPart(key: string, uitd: string, ref: ComponentRef, at: number): LearnedComponent {
  return {
    key,
    uitd,
    systemType: ref.systemType,
    systemAddress: ref.systemAddress,
    partType: ref.partType,
    partAddress: ref.partAddress,
    zonePoint: `${ref.partAddress % 0x10000}/${Math.floor(ref.partAddress / 0x10000)}`,
    description: '',
    firstSeenAt: at,
    lastSeenAt: at,
    reports: 0,
    state: [],
    lastValue: null,
  }
}

function setBits(bits: PanelBits): (keyof PanelBits)[] {
  return (Object.keys(bits) as (keyof PanelBits)[]).filter((k) => bits[k])
}
