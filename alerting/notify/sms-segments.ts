// How an SMS is billed and delivered: in segments, whose room depends on the alphabet the whole
// text needs (README.md, "Languages": SMS length).

// GSM 03.38 default alphabet (one septet each) and its extension table (escape + char: two).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f')
const GSM7_SINGLE = 160
const GSM7_PART = 153
const UCS2_SINGLE = 70
const UCS2_PART = 67

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2'
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number
  /** SMS messages the text is billed and delivered as (concatenated SMS when more than one). */
  segments: number
}

/** How many SMS segments a text takes: one non-GSM-7 character switches the whole text to UCS-2. */
export function smsSegments(text: string): SmsSegments {
  const chars = Array.from(text)
  if (chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENDED.has(c))) {
    const sizes = chars.map((c) => (GSM7_EXTENDED.has(c) ? 2 : 1))
    return countParts('GSM-7', sizes, GSM7_SINGLE, GSM7_PART)
  }
  // Characters outside the BMP (emoji, rare CJK) are surrogate pairs: two UCS-2 units.
  return countParts(
    'UCS-2',
    chars.map((c) => c.length),
    UCS2_SINGLE,
    UCS2_PART,
  )
}

function countParts(encoding: SmsSegments['encoding'], sizes: number[], single: number, part: number) {
  const units = sizes.reduce((a, b) => a + b, 0)
  if (units <= single) return { encoding, units, segments: 1 }
  // An escape pair or a surrogate pair is never split between two parts of a concatenated SMS.
  let segments = 1
  let used = 0
  for (const size of sizes) {
    if (used + size > part) {
      segments++
      used = 0
    }
    used += size
  }
  return { encoding, units, segments }
}
