import type { PanelBits, PanelStatus } from '../../ingest/index.ts'
import type { DeviceRules } from './device-rules.ts'

/**
 * Which status bits raise which rule of alerting/rule-catalog.ts (docs/gbt26875.md "Bits and
 * rules"). `disabled` (屏蔽) and `test` raise nothing: the first greys the component on the wall,
 * the second is only noted, since a panel that leaves bit 0 clear must not have its fires held back.
 */
export const PANEL_BIT_RULES: readonly { rule: string; bits: readonly (keyof PanelBits)[] }[] = [
  { rule: 'panel.fire', bits: ['fire'] },
  { rule: 'panel.fault', bits: ['fault'] },
  { rule: 'panel.power_fault', bits: ['powerFault'] },
  { rule: 'panel.supervisory', bits: ['supervisory'] },
  { rule: 'panel.operated', bits: ['started', 'feedback'] },
  { rule: 'panel.delayed', bits: ['delayed'] },
]

export const PANEL_FIRE = 'panel.fire'

/** Where the outcome of a status report goes; the engine turns it into AlertSignals. */
export interface PanelSink {
  /** False when the signal could not be delivered. */
  raise(dev: DeviceRules, idx: number, s: PanelStatus, detail: string): boolean
  clear(dev: DeviceRules, idx: number, s: PanelStatus): void
}

/**
 * A declared component's status report. A rule whose bits are set raises when it is not raised yet
 * (a UITD reports changes, and a frame that changes another bit must not count as a repeat); a
 * fire raises on every report, as a detector's repeated fire_alarm does, as evidence. A rule whose
 * bits are all clear clears, unless it latches (a fire waits for a person, whatever the panel
 * says). Returns false when a raise was not delivered: the receiver denies the frame.
 */
export function applyPanelStatus(dev: DeviceRules, s: PanelStatus, sink: PanelSink): boolean {
  let delivered = true
  for (const { rule, bits } of PANEL_BIT_RULES) {
    const idx = dev.ruleIndex(rule)
    if (idx < 0) continue
    const on = bits.filter((b) => s.bits[b])
    if (on.length === 0) {
      if (dev.clearByEvent(idx)) sink.clear(dev, idx, s)
      continue
    }
    const wasRaised = dev.eventRaised[idx] === 1
    if (wasRaised && rule !== PANEL_FIRE) continue
    if (!dev.raiseByEvent(idx)) continue
    if (sink.raise(dev, idx, s, panelDetail(s, on))) continue
    delivered = false
    // Not delivered: forgotten, so that the retransmitted frame is a fresh raise.
    if (!wasRaised) dev.dropEvent(idx)
  }
  return delivered
}

/** The panel's text, the bits behind a rule of several, and a test mode: "12F 手动报警按钮 (started, feedback)". */
export function panelDetail(s: PanelStatus, on: readonly (keyof PanelBits)[]): string {
  const notes = [...(on.length > 1 ? on : []), ...(s.bits.test ? ['panel in test mode'] : [])]
  const text = s.description || s.address
  return notes.length > 0 ? `${text} (${notes.join(', ')})` : text
}
