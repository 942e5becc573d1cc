import type { AlertSignal, Evidence } from '../alert.ts'
import { isoTime } from '../clock-iso.ts'

/** One device signal as evidence of a derived alert. */
export function evidenceOf(s: AlertSignal): Evidence {
  return {
    device: s.device,
    rule: s.rule,
    class: s.class,
    floor: s.floor,
    zone: s.zone,
    at: isoTime(s.at),
    metric: s.metric,
    value: s.value,
  }
}

/** A sighting: the evidence and its time in epoch ms (for windows). */
export interface Sighting {
  evidence: Evidence
  at: number
}
