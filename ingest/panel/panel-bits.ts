import type { NamedFlags, PartStatusName, SystemStatusName, UitdStatusName } from '../gbt26875/index.ts'
import type { PanelBits } from './panel-status.ts'

/** A part's status word (type 2) as the bits Firewatch acts on. */
export function partBits(f: NamedFlags<PartStatusName>): PanelBits {
  return {
    fire: f.fire,
    fault: f.fault,
    disabled: f.disabled,
    supervisory: f.supervisory,
    started: f.started,
    feedback: f.feedback,
    delayed: f.delayed,
    powerFault: f.powerFault,
    test: !f.normal,
  }
}

/** The panel's own status word (type 1): its bus fault is a fault, a main or backup power fault a power fault. */
export function systemBits(f: NamedFlags<SystemStatusName>): PanelBits {
  return {
    fire: f.fire,
    fault: f.fault || f.busFault,
    disabled: f.disabled,
    supervisory: f.supervisory,
    started: f.started,
    feedback: f.feedback,
    delayed: f.delayed,
    powerFault: f.mainPowerFault || f.backupPowerFault,
    test: !f.normal,
  }
}

/**
 * The UITD's own status (type 21): every trouble of its own (fault, power, the link to the centre,
 * the monitored line to the panel) is one fault (uitd.fault).
 */
export function uitdBits(f: NamedFlags<UitdStatusName>): PanelBits {
  return {
    fire: f.fire,
    fault: f.fault || f.mainPowerFault || f.backupPowerFault || f.centreLinkFault || f.monitorLineFault,
    disabled: false,
    supervisory: false,
    started: false,
    feedback: false,
    delayed: false,
    powerFault: false,
    test: !f.normal,
  }
}

/** The troubles of a UITD status word, named, for the alert's detail. */
export function uitdTroubles(f: NamedFlags<UitdStatusName>): string[] {
  const names: UitdStatusName[] = [
    'fault',
    'mainPowerFault',
    'backupPowerFault',
    'centreLinkFault',
    'monitorLineFault',
  ]
  return names.filter((n) => f[n])
}
