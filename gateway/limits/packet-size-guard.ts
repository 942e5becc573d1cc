/** The part of mqtt-packet's parser (aedes 1.2 `client._parser`) the guard hooks into. */
interface PacketParser {
  packet: { length: number }
  _parseLength(): boolean
  _emitError(error: Error): void
}

/**
 * aedes 1.2 builds its mqtt-packet parser without a size limit, so a client announcing a 256 MB
 * packet would be buffered until it arrives. The guard checks the announced remaining length as
 * soon as it is parsed and fails the parse, which makes aedes close the connection (MQTT 3.1.1 has
 * no way to say why; the hit is counted and logged). Tested in tests/security/mqtt-limits.test.ts,
 * so an aedes upgrade that renames the parser internals fails there.
 */
export function guardPacketSize(
  client: unknown,
  maxBytes: number,
  onTooLarge: (bytes: number) => void,
): void {
  const parser = (client as { _parser?: Partial<PacketParser> })._parser
  if (typeof parser?._parseLength !== 'function' || typeof parser._emitError !== 'function') {
    throw new Error('aedes internals changed: client._parser._parseLength is gone (packet-size-guard.ts)')
  }
  const p = parser as PacketParser
  const parseLength = p._parseLength.bind(p)
  p._parseLength = () => {
    if (!parseLength()) return false
    if (p.packet.length <= maxBytes) return true
    onTooLarge(p.packet.length)
    p._emitError(new Error(`packet of ${p.packet.length} bytes exceeds MQTT_MAX_PACKET_BYTES (${maxBytes})`))
    return false
  }
}
