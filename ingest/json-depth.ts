const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_ARRAY = 0x5b
const OPEN_OBJECT = 0x7b
const CLOSE_ARRAY = 0x5d
const CLOSE_OBJECT = 0x7d

/**
 * Firewatch payloads nest two levels (a message holds `metrics`, which holds numbers); a few more
 * leave room for odd but harmless messages. Anything deeper is refused before JSON.parse: deep
 * values are what make recursive code (JSON.stringify, schema checks, loggers) overflow the stack
 * (docs/protocol.md, "Bad input").
 */
export const MAX_JSON_DEPTH = 8

/**
 * True when the JSON text in `payload` nests arrays or objects deeper than `max`. Works on the raw
 * bytes in one pass (UTF-8 never puts these ASCII bytes inside a multi-byte character), so a
 * hostile payload costs no more than its length; brackets inside strings do not count.
 */
export function jsonNestsDeeperThan(payload: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < payload.length; i++) {
    const byte = payload[i]
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) {
      inString = true
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--
    }
  }
  return false
}
