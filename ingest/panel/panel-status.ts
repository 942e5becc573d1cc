// What a building's fire panel reports through its UITD, located in the site: the values that go
// down the ingest pipeline next to the MQTT devices' readings and events (docs/gbt26875.md).

/** The status bits Firewatch acts on (GB/T 26875.3 §8.2.1.2, named as ingest/gbt26875/flags.ts). */
export interface PanelBits {
  fire: boolean
  fault: boolean
  /** 屏蔽: shown grey, raises nothing. */
  disabled: boolean
  supervisory: boolean
  started: boolean
  feedback: boolean
  delayed: boolean
  powerFault: boolean
  /** Bit 0 clear: the part (or panel) is under test. Recorded, never used to hold a fire back. */
  test: boolean
}

/** What reported the bits: a part of the panel (type 2), the panel itself (type 1), the UITD (type 21). */
export type PanelSource = 'component' | 'system' | 'uitd'

/** One status report, located: a declared site device, or a placeholder (docs/gbt26875.md "Learned"). */
export interface PanelStatus {
  /**
   * The site device id of a declared component. For anything else the placeholder key:
   * `learned:<uitd>/<system type>.<system address>.<part address>`, `panel:<uitd>/<type>.<address>`
   * for the panel itself, the UITD's id for the UITD.
   */
  device: string
  /** True for a panel component of the site file. */
  declared: boolean
  source: PanelSource
  uitd: string
  building: string
  /** The component's floor and zone; for placeholders the UITD's floor and the panel's text. */
  floor: number
  zone: string
  bits: PanelBits
  /** The panel's own text for the part (GB 18030, e.g. "12F 手动火灾报警按钮"); '' when none. */
  description: string
  /** Where the panel puts it: "1.1.23.65548" (system type, system address, part type, part address). */
  address: string
  /** The report's time (the UITD's time tag when plausible, else receipt), epoch ms. */
  ts: number
  receivedAt: number
}

/** The link to a UITD: heard again, silent, a patrol check (查岗) missed or answered. */
export interface UitdLinkEvent {
  uitd: string
  building: string
  floor: number
  zone: string
  kind: 'seen' | 'silent' | 'patrol-missed' | 'patrol-answered'
  /** Free text for the alert or the log: how long silent, why the check was missed. */
  detail: string | null
  at: number
}

/**
 * What someone did at the panel or the UITD (operation records, types 4 and 24): reset, silence,
 * self-test... Recorded only: a reset never clears a fire alarm, a person resolves it.
 */
export interface PanelOperation {
  uitd: string
  building: string
  /** 'system': the panel (its type and address in `system`); 'uitd': the UITD itself. */
  of: 'system' | 'uitd'
  system: { systemType: number; systemAddress: number } | null
  /** The operation bits that are set, by name (reset, silence, selfTest, patrolAnswer, ...). */
  operations: string[]
  operator: number
  at: number
  receivedAt: number
}
