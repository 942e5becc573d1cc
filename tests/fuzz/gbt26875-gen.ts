import {
  Command,
  type DataUnitKind,
  DESCRIPTION_BYTES,
  encodeDataUnit,
  encodeFrame,
  encodeText,
  type KnownDataUnit,
  MAX_DATA_BYTES,
  type ObjectTypes,
  type PartRef,
  type SystemRef,
  type TimeTag,
  TypeFlag,
} from '../../ingest/gbt26875/index.ts'
import type { FuzzInputs } from './fuzz-inputs.ts'

export const KINDS = Object.keys(TypeFlag) as DataUnitKind[]
const STAMPED = new Set<DataUnitKind>([
  'systemStatus',
  'partStatus',
  'partAnalogue',
  'systemOperation',
  'uitdStatus',
  'uitdOperation',
])
const GLYPHS = Array.from('火警故障层区号泵阀楼室ＡＢ１２ABC012 -#@')
/** Bytes that never form '@@' or '##' with a neighbour: what "safe" frames are made of. */
const SAFE = Array.from({ length: 256 }, (_, b) => b).filter((b) => b !== 0x40 && b !== 0x23)

/** Seeded GB/T 26875.3 values: objects of every kind, data units, frames. */
export class Gbt26875Gen {
  constructor(readonly r: FuzzInputs) {}

  byte = () => this.r.int(256)
  tag = (): TimeTag => ({
    second: this.byte(),
    minute: this.byte(),
    hour: this.byte(),
    day: this.byte(),
    month: this.byte(),
    year: 2000 + this.byte(),
  })
  system = (): SystemRef => ({ systemType: this.byte(), systemAddress: this.byte() })
  part = (): PartRef => ({ ...this.system(), partType: this.byte(), partAddress: this.r.int(2 ** 32) })

  /** Text that fits `maxBytes` of GB 18030 (with no NUL: the padding would swallow it). */
  text(maxBytes: number): string {
    let text = ''
    const n = this.r.int(maxBytes)
    for (let i = 0; i < n; i++) {
      const next = text + this.r.pick(GLYPHS)
      if (encodeText(next).length > maxBytes) break
      text = next
    }
    return text
  }

  object<K extends DataUnitKind>(kind: K, stamped: boolean): ObjectTypes[K] {
    const o = this.body(kind) as ObjectTypes[K] & { time?: TimeTag }
    if (stamped && STAMPED.has(kind)) o.time = this.tag()
    return o
  }

  /** A data unit of the kind (random if none) with as many objects as fit MAX_DATA_BYTES, at most `most`. */
  unit(kind: DataUnitKind = this.r.pick(KINDS), most = 4): KnownDataUnit {
    const stamped = this.r.int(4) > 0
    const objects: unknown[] = []
    const want = this.r.int(most + 1)
    let bytes = 2
    while (objects.length < want) {
      const object = this.object(kind, stamped)
      bytes += encodeDataUnit({ kind, objects: [object] } as KnownDataUnit).length - 2
      if (bytes > MAX_DATA_BYTES) break
      objects.push(object)
    }
    // One clock-sync layout per unit: a decoder tells 6 from 7 bytes by the length of the whole.
    if (kind === 'syncUitdClock')
      for (const o of objects as { reserved?: number }[])
        if ((objects[0] as { reserved?: number }).reserved === undefined) delete o.reserved
        else o.reserved ??= this.byte()
    return { kind, objects } as KnownDataUnit
  }

  frame(data: Uint8Array, command: number = this.r.pick([1, 2, 3, 4, 5, 6])): Buffer {
    return encodeFrame({
      serial: this.r.int(65_536),
      version: { major: 1, user: this.byte() },
      time: this.tag(),
      source: this.r.int(2 ** 48),
      destination: this.r.int(2 ** 48),
      command,
      data,
    })
  }

  /** A valid frame whose bytes after '@@' hold no 0x40 or 0x23, so it cannot hide another frame. */
  safeFrame(command: number = this.r.pick([1, 2, 3, 4, 5, 6])): Buffer {
    for (;;) {
      const data = Uint8Array.from({ length: this.r.int(64) }, () => this.safeByte())
      const frame = encodeFrame({
        serial: this.safeByte() | (this.safeByte() << 8),
        version: { major: 1, user: 1 },
        time: { second: 1, minute: 2, hour: 3, day: 4, month: 5, year: 2024 },
        source: this.safeAddress(),
        destination: this.safeAddress(),
        command,
        data,
      })
      // The checksum is the one byte not chosen; a 0x40 or 0x23 there could pair with '##'.
      const sum = frame[frame.length - 3]!
      if (sum !== 0x40 && sum !== 0x23) return frame
    }
  }

  safeByte = () => this.r.pick(SAFE)
  safeAddress = () =>
    Array.from({ length: 6 }, () => this.safeByte()).reduce((a, b, i) => a + b * 256 ** i, 0)

  private body(kind: DataUnitKind): unknown {
    const b = this.byte
    switch (kind) {
      case 'systemStatus':
        return { ...this.system(), status: this.r.int(65_536) }
      case 'partStatus':
        return { ...this.part(), status: this.r.int(65_536), description: this.text(DESCRIPTION_BYTES) }
      case 'partAnalogue':
        return { ...this.part(), quantity: b(), raw: this.r.int(65_536) - 32_768 }
      case 'systemOperation':
        return { ...this.system(), operation: b(), operator: b() }
      case 'systemSoftware':
        return { ...this.system(), major: b(), minor: b() }
      case 'systemConfig':
        return { ...this.system(), ...this.variableText() }
      case 'partConfig':
        return { ...this.part(), description: this.text(DESCRIPTION_BYTES) }
      case 'systemTime':
        return { ...this.system(), clock: this.tag() }
      case 'uitdStatus':
        return { status: b() }
      case 'uitdOperation':
        return { operation: b(), operator: b() }
      case 'uitdSoftware':
        return { major: b(), minor: b() }
      case 'uitdConfig':
        return this.variableText()
      case 'uitdTime':
        return { clock: this.tag() }
      default:
        return this.query(kind)
    }
  }

  private query(kind: DataUnitKind): unknown {
    switch (kind) {
      case 'readSystemStatus':
      case 'readSystemSoftware':
      case 'readSystemConfig':
      case 'readSystemTime':
        return this.system()
      case 'readPartStatus':
      case 'readPartAnalogue':
      case 'readPartConfig':
        return { ...this.system(), partAddress: this.r.int(2 ** 32) }
      case 'readSystemOperations':
        return { ...this.system(), count: this.byte(), since: this.tag() }
      case 'readUitdOperations':
        return { count: this.byte(), since: this.tag() }
      case 'syncUitdClock':
        return this.r.int(2) ? { clock: this.tag() } : { reserved: this.byte(), clock: this.tag() }
      default:
        return { reserved: this.byte() }
    }
  }

  private variableText(): { description: string; fieldBytes?: number } {
    const description = this.text(40)
    const length = encodeText(description).length
    return this.r.int(2) ? { description } : { description, fieldBytes: length + 1 + this.r.int(20) }
  }
}

/** Command bytes no frame may carry (reserved and user-defined), minus the two marker bytes. */
export const UNKNOWN_COMMANDS = [0, ...Array.from({ length: 249 }, (_, i) => i + 7)].filter(
  (c) => c !== 0x40 && c !== 0x23,
)
export { Command }
