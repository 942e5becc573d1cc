import mqttPacket from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { parseSite } from '../../ingest/site/load-site.ts'
import { encodePublish } from '../../simulators/load/publish-packet.ts'
import { planSlots } from '../../simulators/load/site-devices.ts'
import { telemetryPayload } from '../../simulators/load/telemetry-payload.ts'
import { benchSiteYaml } from '../bench/bench-site.ts'

describe('load generator', () => {
  it('When a PUBLISH is encoded by hand, then it has the bytes mqtt-packet generates', () => {
    const topic = 'fw/bench-a/bench-a-smoke-0000/telemetry'
    for (const [qos, payload] of [
      [0, '{"ts":1,"seq":2,"metrics":{"smoke_dbm":0.02}}'],
      [1, '{"ts":1,"seq":2,"metrics":{"smoke_dbm":0.02}}'],
      [1, 'x'.repeat(200)],
      [1, 'y'.repeat(20_000)],
    ] as const) {
      const expected = mqttPacket.generate({
        cmd: 'publish',
        topic,
        payload,
        qos,
        messageId: qos ? 513 : undefined,
        dup: false,
        retain: false,
      })
      expect(encodePublish(Buffer.from(topic), payload, qos, 513)).toEqual(expected)
    }
  })

  it('When the bench site is planned, then every kind is present and payloads follow the contract', () => {
    const site = parseSite(benchSiteYaml(100))
    const plan = planSlots(site.sensors, 80, 5, 1000)
    expect(new Set(plan.telemetry.map((s) => s.device.kind)).size).toBe(4)
    expect(plan.alarms).toHaveLength(5)
    expect(plan.alarms.every((s) => s.device.kind === 'smoke_detector')).toBe(true)
    const telemetryIds = new Set(plan.telemetry.map((s) => s.clientId))
    expect(plan.alarms.some((s) => telemetryIds.has(s.clientId))).toBe(false)
    for (const slot of plan.telemetry) {
      const body = JSON.parse(telemetryPayload(slot.device.kind, 1_763_800_000_000, 7))
      expect(body).toMatchObject({ ts: 1_763_800_000_000, seq: 7 })
      expect(Object.values(body.metrics).every((v) => Number.isFinite(v))).toBe(true)
    }
  })

  it('When more devices are asked for than the site has, then client ids stay unique', () => {
    const site = parseSite(benchSiteYaml(10))
    const plan = planSlots(site.sensors, 25, 2, 1000)
    expect(plan.cycled).toBe(true)
    const ids = [...plan.telemetry, ...plan.alarms].map((s) => s.clientId)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
