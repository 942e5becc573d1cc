import type { MqttClient } from 'mqtt'
import type pg from 'pg'
import type { BenchDevice } from './cluster-load.ts'

// Publish to committed alert: each probe detector sends one fire_alarm event (its first, so that
// it raises a new alert), and the bench polls PostgreSQL's fw_alert_transition for that device's
// first row. The observable point is the row visible to another session, i.e. the worker's
// transaction committed; the poll adds up to POLL_MS.

export const POLL_MS = 10

export interface ProbeSample {
  device: string
  building: string
  sentAt: number
  /** performance.now() when the row was first seen, null when it never was. */
  seenAt: number | null
  committedBy?: string
}

export class FireProbe {
  readonly samples: ProbeSample[] = []
  private polling = true
  private readonly loop: Promise<void>

  constructor(private readonly db: pg.Client) {
    this.loop = this.poll()
  }

  /** Sends probe `i`'s fire_alarm now; resolves after its PUBACK (or a failure). */
  async fire(client: MqttClient, device: BenchDevice): Promise<void> {
    const sample: ProbeSample = {
      device: device.id,
      building: device.building,
      sentAt: performance.now(),
      seenAt: null,
    }
    this.samples.push(sample)
    const body = `{"ts":${Date.now()},"event":"fire_alarm","detail":"bench"}`
    await client.publishAsync(`fw/${device.building}/${device.id}/event`, body, { qos: 1 }).catch(() => {})
  }

  pending(): number {
    return this.samples.filter((s) => s.seenAt === null).length
  }

  /** Stops polling once every probe's row was seen, or after `maxMs`. */
  async stop(maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs
    while (this.pending() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    this.polling = false
    await this.loop
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      const waiting = this.samples.filter((s) => s.seenAt === null)
      if (waiting.length > 0) {
        const { rows } = await this.db.query(
          'SELECT DISTINCT ON (device) device, committed_by FROM fw_alert_transition WHERE device = ANY($1) ORDER BY device, seq',
          [waiting.map((s) => s.device)],
        )
        const now = performance.now()
        for (const r of rows) {
          const s = waiting.find((w) => w.device === r.device)!
          s.seenAt = now
          s.committedBy = r.committed_by
        }
      }
      await new Promise((r) => setTimeout(r, POLL_MS))
    }
  }
}
