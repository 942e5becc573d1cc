import type { DeviceEvent } from '../../ingest/index.ts'
import type { DeviceRules } from './device-rules.ts'

/** Where the outcome of a device event goes; the engine turns it into AlertSignals. */
export interface EventSink {
  /** False when the signal could not be delivered. */
  raise(dev: DeviceRules, idx: number, e: DeviceEvent): boolean
  clear(dev: DeviceRules, idx: number, e: DeviceEvent): void
}

/**
 * 'event' rules: what a device reports about itself. Every raising event is passed on, also
 * while its alert is already raised, so that the lifecycle counts repeats (a detector that keeps
 * reporting fire_alarm is evidence, not noise).
 */
export function applyEvent(dev: DeviceRules, e: DeviceEvent, sink: EventSink): void {
  const known = dev.known
  switch (e.event) {
    case 'fire_alarm':
      // [FIRE-RULE-1] The device's certified decision: raised at once, never held or re-thresholded.
      raise(dev, known.fire, e, sink)
      return
    case 'fault':
      raise(dev, known.fault, e, sink)
      return
    case 'tamper':
      raise(dev, known.tamper, e, sink)
      return
    case 'battery_low':
      // Ended by a battery_pct reading above battery.low's `clear` (see the engine's reading path).
      raise(dev, known.battery, e, sink)
      return
    case 'fault_cleared':
      clear(dev, known.fault, e, sink)
      return
    case 'reset':
      // A reset ends tamper and fault, never a fire alarm: that one waits for a person.
      clear(dev, known.tamper, e, sink)
      clear(dev, known.fault, e, sink)
      return
    case 'test':
      // A test press is not an alert (docs/rules.md, "Device events and liveness"); the store records it.
      return
  }
}

function raise(dev: DeviceRules, idx: number, e: DeviceEvent, sink: EventSink): void {
  const wasRaised = idx >= 0 && dev.eventRaised[idx] === 1
  if (!dev.raiseByEvent(idx)) return
  // Not delivered: forget it, so that the device's next report of it is a fresh raise.
  if (!sink.raise(dev, idx, e) && !wasRaised) dev.dropEvent(idx)
}

function clear(dev: DeviceRules, idx: number, e: DeviceEvent, sink: EventSink): void {
  if (dev.clearByEvent(idx)) sink.clear(dev, idx, e)
}
