/**
 * Encodes an MQTT 3.1.1 PUBLISH by hand: the same bytes mqtt-packet's `generate` produces
 * (tests/simulators/publish-packet.test.ts checks it), without building a packet object per
 * message. The load generator shares two cores with the broker it measures, so every
 * microsecond per message it spends is taken from the broker's figures.
 */
export function encodePublish(topic: Buffer, payload: string, qos: 0 | 1, messageId: number): Buffer {
  const payloadLength = Buffer.byteLength(payload)
  const remaining = 2 + topic.length + (qos ? 2 : 0) + payloadLength
  const lengthBytes = remaining < 0x80 ? 1 : remaining < 0x4000 ? 2 : remaining < 0x200000 ? 3 : 4
  const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining)
  packet[0] = 0x30 | (qos << 1)
  let offset = 1
  let rest = remaining
  // [MQTT-2.2.3] Remaining Length: 7 bits per byte, high bit set while more bytes follow.
  do {
    let byte = rest % 0x80
    rest = Math.floor(rest / 0x80)
    if (rest > 0) byte |= 0x80
    packet[offset++] = byte
  } while (rest > 0)
  packet.writeUInt16BE(topic.length, offset)
  offset += 2
  topic.copy(packet, offset)
  offset += topic.length
  if (qos) {
    packet.writeUInt16BE(messageId, offset)
    offset += 2
  }
  packet.write(payload, offset, 'utf8')
  return packet
}
