import type { SensorKind } from './site-devices.ts'

/**
 * Telemetry bodies per docs/protocol.md, with values in the normal band of each kind so that the
 * bench measures the steady-state path and raises no threshold alerts of its own: the noise
 * stays well inside hysteresis bands and below the 0.05 MPa rapid-drop delta.
 * Built as template strings: JSON.stringify of a fresh object per message costs several
 * times more, and this process shares the CPU with the broker it measures.
 */
const builders: Record<SensorKind, (rand: () => number) => string> = {
  smoke_detector: (r) =>
    `{"smoke_dbm":${(0.02 + (r() - 0.5) * 0.01).toFixed(3)},"temperature_c":${(24 + r() * 2).toFixed(1)},"battery_pct":97}`,
  pressure_sensor: (r) => `{"pressure_mpa":${(0.35 + (r() - 0.5) * 0.01).toFixed(3)}}`,
  level_sensor: (r) => `{"level_m":${(3 + (r() - 0.5) * 0.02).toFixed(3)}}`,
  electrical_monitor: (r) =>
    `{"residual_current_ma":${(60 + (r() - 0.5) * 6).toFixed(1)},"temperature_c:l1":${(30 + r()).toFixed(1)},"temperature_c:l2":${(30 + r()).toFixed(1)},"temperature_c:l3":${(30 + r()).toFixed(1)}}`,
}

/** `{"ts": <send time ms>, "seq": n, "metrics": {...}}` for one device of the given kind. */
export function telemetryPayload(kind: SensorKind, ts: number, seq: number, rand = Math.random): string {
  return `{"ts":${ts},"seq":${seq},"metrics":${builders[kind](rand)}}`
}

/** The bench's fire alarm event; `ts` becomes the alert's `updatedAt`, from which latency is measured. */
export function fireAlarmPayload(ts: number): string {
  return `{"ts":${ts},"event":"fire_alarm","detail":"bench"}`
}
