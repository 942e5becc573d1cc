import { type DataUnit, encodeFlags, PART_STATUS_BITS, type TimeTag } from '../../ingest/gbt26875/index.ts'
import type { PanelReport } from '../scenario/scenario-types.ts'

/** The data unit a UITD sends for a scenario's panel report: a part status (type 2) or value (type 3). */
export function panelUnit(report: PanelReport, time: TimeTag): DataUnit {
  const { part, what } = report
  if (what.kind === 'value') {
    return { kind: 'partAnalogue', objects: [{ ...part, quantity: what.quantity, raw: what.raw, time }] }
  }
  const status = encodeFlags(PART_STATUS_BITS, what.test ? what.state : ['normal', ...what.state])
  return { kind: 'partStatus', objects: [{ ...part, status, description: what.description, time }] }
}
