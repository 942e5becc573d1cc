import mqttPacket, { type Packet } from 'mqtt-packet'
import type { FuzzInputs } from './fuzz-inputs.ts'
import type { FuzzDevice } from './fuzz-mqtt.ts'
import type { FuzzReport } from './fuzz-report.ts'
import { connectPacket, RawSession } from './raw-session.ts'

/** Packets written before each PINGREQ that proves the session still answers. */
const BATCH = 32

/**
 * Whole MQTT packets, well framed but with fuzzed fields, on logged-in device sessions: publishes
 * with every QoS, flag and topic, acknowledgements of ids never sent, subscriptions, a second
 * CONNECT, reserved flag bits, reserved packet types. After each batch a PINGREQ must be answered,
 * or the gateway must have closed the connection (a protocol violation); a session that does
 * neither within 10 s is a finding. A closed session is replaced and the run goes on.
 */
export async function fuzzWholePackets(
  port: number,
  devices: FuzzDevice[],
  count: number,
  gen: FuzzInputs,
  report: FuzzReport,
) {
  const section = report.section('whole mqtt packets')
  let next = 0
  const worker = async (d: FuzzDevice) => {
    const state = { session: await login(port, d) }
    let batch: string[] = []
    while (next < count) {
      next++
      const packet = wholePacket(gen, d)
      // A protocol violation goes alone, so that what it does is not blamed on the packets before it.
      if (packet.violation && batch.length > 0) batch = await settle(state, port, d, batch, section, report)
      batch.push(packet.kind)
      if (!state.session.closed) state.session.socket.write(packet.bytes)
      if (packet.violation || batch.length >= BATCH)
        batch = await settle(state, port, d, batch, section, report)
    }
    if (batch.length > 0) await settle(state, port, d, batch, section, report)
    state.session.close()
  }
  await Promise.all(devices.map(worker))
}

/** PINGREQ after a batch: answered (the session lives) or closed by the gateway; a closed one is replaced. */
async function settle(
  state: { session: RawSession },
  port: number,
  d: FuzzDevice,
  kinds: string[],
  section: ReturnType<FuzzReport['section']>,
  report: FuzzReport,
): Promise<string[]> {
  const pong = await state.session.request({ cmd: 'pingreq' }, (p: Packet) => p.cmd === 'pingresp')
  if (pong === 'timeout')
    report.finding(`a session answered neither PINGREQ nor closed after ${kinds.join(', ')}`)
  const outcome = pong === null ? 'connection closed by the gateway' : 'session still answers'
  for (const kind of kinds) section.count(`${kind}: ${outcome}`)
  if (pong === null || pong === 'timeout') {
    state.session.close()
    state.session = await login(port, d)
  }
  return []
}

async function login(port: number, d: FuzzDevice): Promise<RawSession> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const session = await RawSession.open(port, '127.0.0.1')
    const connack = await session.request(connectPacket(d.id, d.secret, d.id), (p) => p.cmd === 'connack')
    if (connack && connack !== 'timeout' && (connack as { returnCode: number }).returnCode === 0)
      return session
    session.close()
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`device ${d.id} could not log in for the packet fuzz`)
}

/** One complete packet with fuzzed fields, and a label of its kind for the report. */
export function wholePacket(
  gen: FuzzInputs,
  d: FuzzDevice,
): { kind: string; bytes: Buffer; violation: boolean } {
  // About one packet in ten breaks the protocol (MQTT 3.1.1 says: close the connection).
  if (gen.int(10) === 0) return { ...violation(gen, d), violation: true }
  return { ...allowed(gen, d), violation: false }
}

/** Packets a client may send, with fuzzed fields: ids never used, odd topics, any QoS and flags. */
function allowed(gen: FuzzInputs, d: FuzzDevice): { kind: string; bytes: Buffer } {
  const id = 1 + gen.int(65_535)
  const own = `fw/${d.building}/${d.id}/`
  switch (gen.int(8)) {
    case 0:
    case 1:
    case 2: {
      const qos = gen.int(3) as 0 | 1 | 2
      const topic =
        gen.int(2) === 0
          ? own + gen.pick(['telemetry', 'event', 'status'])
          : gen.topic(`${own}telemetry`) || 'x'
      const flags = { dup: gen.int(2) === 1, retain: gen.int(2) === 1 }
      const packet = { cmd: 'publish', topic, payload: gen.payload(), qos, messageId: id, ...flags }
      return { kind: `publish qos ${qos}`, bytes: generate(packet) }
    }
    case 3: {
      const cmd = gen.pick(['puback', 'pubrec', 'pubrel', 'pubcomp'])
      return { kind: 'acknowledgement of an unknown id', bytes: generate({ cmd, messageId: id }) }
    }
    case 4: {
      const subscriptions = Array.from({ length: 1 + gen.int(3) }, () => ({
        topic: gen.filter().slice(0, 512) || '#',
        qos: gen.int(3) as 0 | 1 | 2,
      }))
      return { kind: 'subscribe', bytes: generate({ cmd: 'subscribe', messageId: id, subscriptions }) }
    }
    case 5: {
      const unsubscriptions = [gen.filter().slice(0, 512) || '#']
      return { kind: 'unsubscribe', bytes: generate({ cmd: 'unsubscribe', messageId: id, unsubscriptions }) }
    }
    case 6:
      return { kind: 'pingreq', bytes: generate({ cmd: 'pingreq' }) }
    default: {
      const payload = Buffer.from(`{"metrics":{"smoke_dbm":${'['.repeat(gen.int(6000))}}}`)
      const packet = {
        cmd: 'publish',
        topic: `${own}telemetry`,
        payload,
        qos: 1,
        messageId: id,
        dup: false,
        retain: false,
      }
      return { kind: 'publish with a nested payload', bytes: generate(packet) }
    }
  }
}

/** Packets MQTT 3.1.1 forbids: the gateway may close the connection, and must not fail. */
function violation(gen: FuzzInputs, d: FuzzDevice): { kind: string; bytes: Buffer } {
  const id = 1 + gen.int(65_535)
  const own = `fw/${d.building}/${d.id}/`
  switch (gen.int(4)) {
    case 0:
      return { kind: 'second connect', bytes: generate(connectPacket(d.id, d.secret, d.id)) }
    case 1: {
      const packet = {
        cmd: gen.pick(['subscribe', 'pingreq', 'puback']),
        messageId: id,
        subscriptions: [{ topic: own, qos: 0 }],
      }
      return { kind: 'reserved flag bits', bytes: withFlags(generate(packet), 1 + gen.int(15)) }
    }
    case 2: {
      const packet = {
        cmd: 'publish',
        topic: `${own}telemetry`,
        payload: gen.payload(),
        qos: 1,
        messageId: id,
        dup: false,
        retain: false,
      }
      return { kind: 'publish with qos 3', bytes: withFlags(generate(packet), 0b0110) }
    }
    default:
      return {
        kind: 'reserved packet type',
        bytes: Buffer.concat([Buffer.from([gen.pick([0x00, 0xf0]), 2]), gen.bytes(2)]),
      }
  }
}

function generate(packet: Record<string, unknown>): Buffer {
  return mqttPacket.generate(packet as unknown as Packet)
}

/** The same packet with the low four bits of its fixed header replaced. */
function withFlags(bytes: Buffer, flags: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[0] = (copy[0]! & 0xf0) | (flags & 0x0f)
  return copy
}
