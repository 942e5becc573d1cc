import type { DeviceSlot } from './site-devices.ts'
import { type AckListener, WireConnection } from './wire-connection.ts'

export interface ConnectSettings {
  host: string
  port: number
  keepaliveSec: number
  maxInflight: number
  /** Connections opened at once: a thousand simultaneous CONNECTs only measure the accept queue. */
  concurrency: number
  perConnectionTimeoutMs: number
  /** No connection is attempted after this; the run goes on with those that made it. */
  deadline: number
}

export interface Connected {
  slots: DeviceSlot[]
  conns: WireConnection[]
  failures: string[]
}

/** Opens one connection per slot (username = device id, password = device secret). */
export async function connectSlots(
  slots: readonly DeviceSlot[],
  settings: ConnectSettings,
  monotonic: () => number,
  onAck: AckListener,
): Promise<Connected> {
  const opened: (WireConnection | null)[] = new Array(slots.length).fill(null)
  const failures: string[] = []
  let next = 0
  const worker = async () => {
    while (next < slots.length) {
      const index = next++
      const slot = slots[index]!
      if (monotonic() > settings.deadline) {
        failures.push(`${slot.clientId}: connect phase deadline passed`)
        continue
      }
      try {
        opened[index] = await WireConnection.open(
          {
            host: settings.host,
            port: settings.port,
            clientId: slot.clientId,
            username: slot.device.id,
            password: slot.device.secret,
            keepaliveSec: settings.keepaliveSec,
            timeoutMs: settings.perConnectionTimeoutMs,
            maxInflight: settings.maxInflight,
          },
          monotonic,
          onAck,
        )
      } catch (err) {
        failures.push((err as Error).message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker))
  const result: Connected = { slots: [], conns: [], failures }
  opened.forEach((conn, i) => {
    if (!conn) return
    result.slots.push(slots[i]!)
    result.conns.push(conn)
  })
  return result
}
