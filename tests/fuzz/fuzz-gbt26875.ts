/**
 * Fuzz of the GB/T 26875.3 streaming decoder (ingest/gbt26875/stream-decoder.ts), no network: at
 * least 100,000 seeded streams of good frames, garbage, bad checksums, bad end markers, oversize
 * and unknown-command frames, frames cut short, and random corruption, each fed in random chunks
 * (some a byte at a time). Findings: a throw; bytes not accounted for (every byte in = a frame's
 * or a report's); and, where the stream was built so that the outcome is certain, a good frame
 * not delivered, a phantom frame, or a bad frame not reported with its reason.
 * Run alone: `npx tsx tests/fuzz/fuzz-gbt26875.ts` (FUZZ_SEED, FUZZ_GBT26875_INPUTS); `npm run fuzz`
 * runs it too.
 */
import { pathToFileURL } from 'node:url'
import {
  decodeDataUnit,
  encodeDataUnit,
  StreamDecoder,
  type StreamReport,
} from '../../ingest/gbt26875/index.ts'
import { FuzzInputs } from './fuzz-inputs.ts'
import { FuzzReport } from './fuzz-report.ts'
import { Gbt26875Gen, UNKNOWN_COMMANDS } from './gbt26875-gen.ts'

/** A built stream and what the decoder must make of it. */
interface Case {
  name: string
  stream: Buffer
  /** The frames that must come out, in order; null = not certain (random corruption). */
  good: Buffer[] | null
  /** Exact counts of non-garbage errors; null = only "at least `minErrors`" is certain. */
  errors: Partial<Record<string, number>> | null
  minErrors: number
  /** Reports of any kind, garbage included (a frame whose start marker is hit is all garbage). */
  minReports?: number
  /** Frames built from typed data units: their data must decode and encode back. */
  typed?: boolean
}

type Section = ReturnType<FuzzReport['section']>

const CASES: [weight: number, build: (g: Gbt26875Gen) => Case][] = [
  [20, splitGood],
  [15, garbageBetween],
  [12, (g) => oneBad(g, 'checksum', (f) => (f[f.length - 3] = otherSafe(g, f[f.length - 3]!)))],
  [10, (g) => oneBad(g, 'end-marker', (f) => (f[f.length - 1] = g.safeByte()))],
  [8, oversize],
  [8, (g) => oneBad(g, 'unknown-command', undefined, g.safeFrame(g.r.pick(UNKNOWN_COMMANDS)))],
  [8, truncatedAtEnd],
  [9, truncatedMidStream],
  [10, chaos],
]

export function fuzzGbt26875(inputs: number, gen: FuzzInputs, report: FuzzReport): void {
  const section = report.section('GB/T 26875.3 stream decoder')
  const g = new Gbt26875Gen(gen)
  const total = CASES.reduce((n, [w]) => n + w, 0)
  for (let i = 0; i < inputs; i++) {
    const c = pickCase(gen.int(total))(g)
    check(c, feed(c.stream, gen, i % 40 === 0), section)
  }
}

function pickCase(ticket: number): (g: Gbt26875Gen) => Case {
  let left = ticket
  for (const [weight, build] of CASES) {
    if (left < weight) return build
    left -= weight
  }
  return CASES[0]![1]
}

interface Fed {
  frames: Buffer[]
  errors: Extract<StreamReport, { ok: false }>[]
  accounted: boolean
  threw?: string
}

function feed(stream: Buffer, gen: FuzzInputs, byteByByte: boolean): Fed {
  const decoder = new StreamDecoder()
  const out: StreamReport[] = []
  try {
    for (let at = 0; at < stream.length; ) {
      const size = byteByByte ? 1 : 1 + gen.int(gen.int(2) ? 8 : 200)
      out.push(...decoder.push(stream.subarray(at, at + size)))
      at += size
    }
    out.push(...decoder.end())
  } catch (err) {
    return { frames: [], errors: [], accounted: false, threw: String((err as Error).stack ?? err) }
  }
  const s = decoder.stats
  return {
    frames: out.flatMap((r) => (r.ok ? [r.raw] : [])),
    errors: out.flatMap((r) => (r.ok ? [] : [r])),
    accounted:
      s.bytesIn === stream.length && s.frameBytes + s.discardedBytes === s.bytesIn && decoder.buffered === 0,
  }
}

/** Whether the decoder did what the case requires; a finding otherwise. */
function check(c: Case, fed: Fed, section: Section): boolean {
  const fail = (what: string) => {
    section.count(`${c.name}: FINDING`)
    section.finding(`${c.name}: ${what} (stream ${c.stream.toString('hex').slice(0, 400)})`)
    return false
  }
  if (fed.threw) return fail(`threw ${fed.threw}`)
  if (!fed.accounted) return fail('bytes in != frame bytes + discarded bytes')
  const frameErrors = fed.errors.filter((e) => e.reason !== 'garbage')
  for (const e of frameErrors) section.note(`reported ${e.reason}`)
  if (frameErrors.length < c.minErrors)
    return fail(`${frameErrors.length} frame errors, expected >= ${c.minErrors}`)
  if (fed.errors.length < (c.minReports ?? 0)) return fail(`no report, expected >= ${c.minReports}`)
  if (c.errors) {
    const got: Record<string, number> = {}
    for (const e of frameErrors) got[e.reason] = (got[e.reason] ?? 0) + 1
    if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(c.errors)))
      return fail(`errors ${JSON.stringify(got)}, expected ${JSON.stringify(c.errors)}`)
  }
  const same = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((f, i) => f.equals(b[i]!))
  if (c.good && !same(fed.frames, c.good))
    return fail(`${fed.frames.length} frames, expected ${c.good.length}`)
  if (c.typed && !fed.frames.every(roundTrips)) return fail('a frame’s data did not decode and encode back')
  section.count(`${c.name}: ok`)
  return true
}

function roundTrips(raw: Buffer): boolean {
  const data = raw.subarray(27, raw.length - 3)
  const unit = decodeDataUnit(data)
  return unit.ok && Buffer.from(encodeDataUnit(unit.unit)).equals(data)
}

const sorted = (o: Record<string, number | undefined>) => Object.fromEntries(Object.entries(o).sort())

function goodFrames(g: Gbt26875Gen, most: number): Buffer[] {
  return Array.from({ length: 1 + g.r.int(most) }, () => g.safeFrame())
}

function splitGood(g: Gbt26875Gen): Case {
  const good = Array.from({ length: 1 + g.r.int(3) }, () => g.frame(encodeDataUnit(g.unit())))
  return {
    name: 'good frames, split anywhere',
    stream: Buffer.concat(good),
    good,
    errors: {},
    minErrors: 0,
    typed: true,
  }
}

function garbageBetween(g: Gbt26875Gen): Case {
  const good = goodFrames(g, 3)
  const junk = () => Buffer.from(Array.from({ length: g.r.int(40) }, () => g.safeByte()))
  const stream = Buffer.concat(good.flatMap((f) => [junk(), f]).concat(junk()))
  return { name: 'garbage between frames', stream, good, errors: {}, minErrors: 0 }
}

function oneBad(g: Gbt26875Gen, reason: string, spoil?: (f: Buffer) => void, bad = g.safeFrame()): Case {
  spoil?.(bad)
  const before = goodFrames(g, 2).slice(g.r.int(2))
  const after = goodFrames(g, 2)
  const stream = Buffer.concat([...before, bad, ...after])
  return { name: reason, stream, good: [...before, ...after], errors: { [reason]: 1 }, minErrors: 1 }
}

function oversize(g: Gbt26875Gen): Case {
  const bad = g.safeFrame()
  let n: number
  do n = 1025 + g.r.int(65_536 - 1025)
  while ([n & 0xff, n >> 8].some((b) => b === 0x40 || b === 0x23))
  bad.writeUInt16LE(n, 24)
  const after = goodFrames(g, 2)
  return {
    name: 'oversize',
    stream: Buffer.concat([bad, ...after]),
    good: after,
    errors: { oversize: 1 },
    minErrors: 1,
  }
}

function truncatedAtEnd(g: Gbt26875Gen): Case {
  const good = goodFrames(g, 2)
  const cut = g.safeFrame()
  const stream = Buffer.concat([...good, cut.subarray(0, 1 + g.r.int(cut.length - 1))])
  return { name: 'frame cut short at the end', stream, good, errors: { truncated: 1 }, minErrors: 1 }
}

/**
 * A frame cut short, then good frames. Cuts where the declared length would end exactly on a good
 * frame's '##' are left out: there an 8-bit checksum decides, by chance, whether the good frames
 * are swallowed, which is the protocol's limit, not the decoder's.
 */
function truncatedMidStream(g: Gbt26875Gen): Case {
  const after = goodFrames(g, 3)
  const cut = g.safeFrame()
  for (;;) {
    const k = 1 + g.r.int(cut.length - 1)
    const stream = Buffer.concat([cut.subarray(0, k), ...after])
    const declared = 30 + stream.readUInt16LE(24)
    let end = k
    const ends = after.map((f) => (end += f.length))
    if (ends.includes(declared)) continue
    // Which reports the cut gives depends on where it falls; every good frame arrives regardless.
    return { name: 'frame cut short mid-stream', stream, good: after, errors: null, minErrors: 1 }
  }
}

function chaos(g: Gbt26875Gen): Case {
  const parts: Buffer[] = []
  let corrupted = 0
  for (let i = 1 + g.r.int(6); i > 0; i--) {
    const kind = g.r.int(3)
    if (kind === 0) parts.push(g.r.bytes(g.r.int(50)))
    else {
      const frame = g.frame(encodeDataUnit(g.unit()))
      if (kind === 2) {
        const at = g.r.int(frame.length)
        frame[at] = frame[at]! ^ (1 << g.r.int(8))
        corrupted++
      }
      parts.push(frame)
    }
  }
  return {
    name: 'chaos',
    stream: Buffer.concat(parts),
    good: null,
    errors: null,
    minErrors: 0,
    minReports: corrupted > 0 ? 1 : 0,
  }
}

function otherSafe(g: Gbt26875Gen, not: number): number {
  for (;;) {
    const b = g.safeByte()
    if (b !== not) return b
  }
}

/** The fuzz on its own: prints its report, exits 1 on a finding. */
export function runGbt26875Fuzz(seed: number, inputs: number): { text: string; findings: string[] } {
  const started = performance.now()
  const report = new FuzzReport()
  fuzzGbt26875(inputs, new FuzzInputs(seed), report)
  if (report.inputs < inputs) report.finding(`only ${report.inputs} of ${inputs} inputs were tried`)
  return { text: report.format(seed, (performance.now() - started) / 1000), findings: report.findings }
}

export const GBT26875_FUZZ_INPUTS = Math.max(1_000, Number(process.env.FUZZ_GBT26875_INPUTS ?? 100_000))

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { text, findings } = runGbt26875Fuzz(
    Number(process.env.FUZZ_SEED ?? 20_261_122),
    GBT26875_FUZZ_INPUTS,
  )
  process.stdout.write(`${text}\n`)
  process.exitCode = findings.length === 0 ? 0 : 1
}
