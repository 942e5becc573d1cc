// GB 18030 text, the encoding the standard prescribes for descriptions. Node's TextDecoder reads
// it; nothing in Node writes it, so the encoder inverts the decoder: every two-byte and every
// four-byte BMP code is decoded once (about 63,000 codes, ~25 ms, on first use) into a reverse map,
// and characters outside the BMP follow the standard's linear four-byte mapping.

const decoder = new TextDecoder('gb18030')
const FOUR_BYTE_BMP_CODES = 39_420
const SUPPLEMENTARY_BASE = 189_000 // linear index of 0x90308130, where U+10000 starts

let reverse: Map<number, number[]> | null = null

/** Text of a field: GB 18030, with the NUL padding at its end removed. */
export function decodeText(bytes: Uint8Array): string {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0) end--
  return decoder.decode(bytes.subarray(0, end))
}

/** GB 18030 bytes of a string; a character GB 18030 cannot write becomes '?'. */
export function encodeText(text: string): Uint8Array {
  const out: number[] = []
  for (const ch of text) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x80) out.push(cp)
    else if (cp >= 0x10000) out.push(...fourBytes(SUPPLEMENTARY_BASE + cp - 0x10000))
    else out.push(...(reverseMap().get(cp) ?? [0x3f]))
  }
  return Uint8Array.from(out)
}

/** A fixed-length field: the text's bytes, padded with NUL; RangeError when the text is too long. */
export function encodeFixedText(text: string, length: number): Uint8Array {
  const bytes = encodeText(text)
  if (bytes.length > length)
    throw new RangeError(`text takes ${bytes.length} bytes in GB 18030, the field has ${length}`)
  const field = new Uint8Array(length)
  field.set(bytes)
  return field
}

/** The longest prefix of the text (whole characters) that fits in `length` GB 18030 bytes. */
export function fitText(text: string, length: number): string {
  let fitted = ''
  for (const ch of text) {
    if (encodeText(fitted + ch).length > length) break
    fitted += ch
  }
  return fitted
}

function fourBytes(linear: number): number[] {
  const b4 = 0x30 + (linear % 10)
  const b3 = 0x81 + (Math.floor(linear / 10) % 126)
  const b2 = 0x30 + (Math.floor(linear / 1260) % 10)
  const b1 = 0x81 + Math.floor(linear / 12_600)
  return [b1, b2, b3, b4]
}

function reverseMap(): Map<number, number[]> {
  if (reverse) return reverse
  const map = new Map<number, number[]>()
  // The first code of a character wins: where two codes decode alike, the earlier is the usual one.
  const add = (bytes: number[]) => {
    const ch = decoder.decode(Uint8Array.from(bytes))
    if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch.charCodeAt(0))) map.set(ch.charCodeAt(0), bytes)
  }
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) add([lead, trail])
  for (let linear = 0; linear < FOUR_BYTE_BMP_CODES; linear++) add(fourBytes(linear))
  reverse = map
  return map
}
