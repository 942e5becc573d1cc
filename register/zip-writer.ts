import { crc32, deflateRawSync } from 'node:zlib'

// A minimal ZIP writer (PKWARE APPNOTE 6.3.x): local file headers, deflated data, the central
// directory and its end record. No ZIP64, no encryption, no data descriptors: enough for an
// Office Open XML workbook of a few thousand rows, with node:zlib and no dependency.

export interface ZipEntry {
  name: string
  data: Buffer
}

/** DOS date and time of 1 January 1980, 00:00 (the format's epoch): entries carry no real date. */
const DOS_TIME = 0
const DOS_DATE = (0 << 9) | (1 << 5) | 1
const UTF8_NAMES = 1 << 11

export function zip(entries: readonly ZipEntry[]): Buffer {
  const chunks: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const compressed = deflateRawSync(entry.data)
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed: 2.0 (deflate)
    local.writeUInt16LE(UTF8_NAMES, 6)
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt16LE(DOS_TIME, 10)
    local.writeUInt16LE(DOS_DATE, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    chunks.push(local, name, compressed)
    central.push(centralHeader(name, crc, compressed.length, entry.data.length, offset))
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...chunks, directory, end])
}

function centralHeader(name: Buffer, crc: number, compressed: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(46)
  h.writeUInt32LE(0x02014b50, 0)
  h.writeUInt16LE(20, 4) // made by: 2.0
  h.writeUInt16LE(20, 6)
  h.writeUInt16LE(UTF8_NAMES, 8)
  h.writeUInt16LE(8, 10)
  h.writeUInt16LE(DOS_TIME, 12)
  h.writeUInt16LE(DOS_DATE, 14)
  h.writeUInt32LE(crc, 16)
  h.writeUInt32LE(compressed, 20)
  h.writeUInt32LE(size, 24)
  h.writeUInt16LE(name.length, 28)
  h.writeUInt32LE(offset, 42)
  return Buffer.concat([h, name])
}
