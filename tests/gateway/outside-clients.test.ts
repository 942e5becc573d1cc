import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { requireBinary } from '../support/mqtt-peers.ts'

const run = promisify(execFile)
let gw: GatewayUnderTest
let port: string
let pub: string
let sub: string

beforeAll(async () => {
  pub = requireBinary('mosquitto_pub', 'mosquitto-clients')
  sub = requireBinary('mosquitto_sub', 'mosquitto-clients')
  gw = await startTestGateway()
  port = new URL(gw.mqttUrl).port
})
afterAll(async () => {
  await gw.stop()
})

const mosquittoPub = (user: string, pass: string, topic: string, message: string) =>
  run(pub, [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '-V',
    'mqttv311',
    '-u',
    user,
    '-P',
    pass,
    '-q',
    '1',
    '-t',
    topic,
    '-m',
    message,
  ])

describe("Debian's mosquitto clients as outside peers", () => {
  it('When mosquitto_pub sends a fire alarm, then mosquitto_sub logged in as the brigade receives the alert', async () => {
    // stdbuf: mosquitto_sub's stdout is a pipe here, and its -d lines must arrive as they happen.
    const watcher: ChildProcess = spawn('stdbuf', [
      '-oL',
      sub,
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-V',
      'mqttv311',
      '-u',
      'brigade',
      '-P',
      'brigade-token',
      '-t',
      'fw/tower-b/alerts',
      '-d',
      '-C',
      '1',
      '-W',
      '10',
    ])
    const lines: string[] = []
    let subscribed: () => void
    const suback = new Promise<void>((r) => {
      subscribed = r
    })
    // -d prints the protocol exchange: publish only once the SUBACK is in, however slow the machine.
    createInterface({ input: watcher.stdout! }).on('line', (l) => {
      if (l.includes('received SUBACK')) subscribed()
      lines.push(l)
    })
    const exited = new Promise<number | null>((r) => watcher.once('exit', r))
    await suback
    await mosquittoPub(
      'tb-03-smoke-01',
      's3cret-tb-03',
      'fw/tower-b/tb-03-smoke-01/event',
      '{"event":"fire_alarm","detail":"3F east"}',
    )
    expect(await exited).toBe(0)
    const alert = JSON.parse(lines.find((l) => l.startsWith('{'))!)
    expect(alert).toMatchObject({
      building: 'tower-b',
      floor: 3,
      zone: '3-east',
      device: 'tb-03-smoke-01',
      class: 'fire',
      rule: 'device.fire_alarm',
      state: 'open',
    })
  })

  it('When mosquitto_pub sends telemetry, then the reading shows as the latest value', async () => {
    await mosquittoPub(
      'tb-01-pump-01',
      's3cret-tb-01',
      'fw/tower-b/tb-01-pump-01/telemetry',
      '{"metrics":{"pressure_mpa":0.61}}',
    )
    const value = await waitFor(async () => {
      const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings/tower-b')
      const devices = body.floors.flatMap((f: any) => f.zones.flatMap((z: any) => z.devices))
      return devices.find((d: any) => d.id === 'tb-01-pump-01')?.latest?.pressure_mpa?.value
    })
    expect(value).toBe(0.61)
  })

  it('When mosquitto_pub logs in with a wrong secret, then it is refused as not authorised', async () => {
    const err = await mosquittoPub('tb-01-pump-01', 'nope', 'fw/tower-b/tb-01-pump-01/telemetry', '{}').then(
      () => null,
      (e: { stderr: string; code: number }) => e,
    )
    expect(err?.code).not.toBe(0)
    expect(err?.stderr).toMatch(/not authori[sz]ed/i)
  })
})
