import { describe, expect, it } from 'vitest'
import { at, harness } from './engine-harness.ts'

const ONE = `
  - { id: smoke-1, building: tower-a, floor: 3, zone: 3-east, kind: smoke_detector, label: Corridor 3F, secret: secret-smoke-1 }`
const view = (s: { type: string; rule: string; device: string }) => `${s.type} ${s.rule} ${s.device}`

describe('offline by status', () => {
  it('When a retained offline arrives, then device.offline raises once the grace has passed, not before', () => {
    const h = harness({ onlyDevices: ONE })
    h.read('smoke-1', 'smoke_dbm', 0.01, 50)
    h.status('smoke-1', 'offline', 100)
    h.tick(159)
    expect(h.take()).toEqual([])
    h.tick(160)
    expect(h.take()).toEqual([
      {
        type: 'raise',
        device: 'smoke-1',
        building: 'tower-a',
        floor: 3,
        zone: '3-east',
        rule: 'device.offline',
        class: 'offline',
        metric: null,
        value: null,
        threshold: null,
        at: at(160),
        receivedAt: at(160),
        latched: false,
        detail: 'status offline and not seen for 60 s',
      },
    ])
    h.tick(161)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('smoke-1', 'device.offline')).toBe(true)
  })

  it('When the device is seen again within the grace, then nothing raises', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'offline', 100)
    h.status('smoke-1', 'online', 130)
    h.tick(200)
    expect(h.take()).toEqual([])
  })

  it('When a raised offline device sends a reading, then device.offline clears at the reading time', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'offline', 100)
    h.tick(170)
    h.take()
    h.read('smoke-1', 'smoke_dbm', 0.01, 200)
    expect(h.take()).toEqual([
      expect.objectContaining({
        type: 'clear',
        rule: 'device.offline',
        at: at(200),
        receivedAt: at(200) + 5,
      }),
    ])
  })

  it('When a device event or a status online arrives, then a raised offline clears too', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'offline', 100)
    h.tick(170)
    h.event('smoke-1', 'test', 180)
    h.status('smoke-1', 'offline', 200)
    h.tick(270)
    h.status('smoke-1', 'online', 280, 'connection')
    expect(h.take().map(view)).toEqual([
      'raise device.offline smoke-1',
      'clear device.offline smoke-1',
      'raise device.offline smoke-1',
      'clear device.offline smoke-1',
    ])
  })

  it('When an offline received before a newer online is processed after it, then it does not raise', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'online', 100) // the device's own retained online
    h.status('smoke-1', 'offline', 95) // stale: received before the device was seen at 100
    h.read('smoke-1', 'smoke_dbm', 0.01, 150)
    h.status('smoke-1', 'offline', 140) // stale again: before the reading received at 150
    h.tick(300)
    expect(h.take()).toEqual([])
  })

  it('When a connection is lost right after it came up, then its will still raises after the grace', () => {
    // Stale wills of replaced connections are dropped by the broker (it knows the current
    // connection); the engine must not guess them from timing.
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'online', 500, 'connection')
    h.status('smoke-1', 'offline', 500.2)
    h.tick(559)
    expect(h.take()).toEqual([])
    h.tick(561)
    expect(h.take().map(view)).toEqual(['raise device.offline smoke-1'])
  })

  it('When a connection that has been up drops and its will arrives, then the offline raises after the grace', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'online', 100, 'connection')
    h.read('smoke-1', 'smoke_dbm', 0.01, 120)
    h.status('smoke-1', 'offline', 130)
    h.tick(189)
    expect(h.take()).toEqual([])
    h.tick(190)
    expect(h.take().map(view)).toEqual(['raise device.offline smoke-1'])
  })

  it('When a second offline arrives while one is pending, then the grace is not pushed back', () => {
    const h = harness({ onlyDevices: ONE })
    h.status('smoke-1', 'offline', 100)
    h.status('smoke-1', 'offline', 150)
    h.tick(160)
    expect(h.take().map(view)).toEqual(['raise device.offline smoke-1'])
  })
})

describe('offline by silence', () => {
  it('When a device is never seen, then it goes offline 180 s after engine start', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.01, 100)
    h.tick(179)
    expect(h.take()).toEqual([])
    h.tick(180)
    expect(h.take().map(view)).toEqual([
      'raise device.offline press-1',
      'raise device.offline level-1',
      'raise device.offline elec-1',
    ])
    h.tick(280) // seen at receipt, 5 ms after the reading's ts: silent for 179.995 s only
    expect(h.take()).toEqual([])
    h.tick(281)
    expect(h.take().map(view)).toEqual(['raise device.offline smoke-1'])
  })

  it('When a device has its own heartbeat, then it goes offline after heartbeatSec x offlineAfterMissed', () => {
    const h = harness({
      onlyDevices: `
  - { id: nb-1, building: tower-a, floor: 2, zone: z, kind: smoke_detector, label: NB, secret: secret-nb-1, heartbeatSec: 600, offlineAfterMissed: 2 }
  - { id: fast-1, building: tower-a, floor: 2, zone: z, kind: smoke_detector, label: Fast, secret: secret-fast, heartbeatSec: 10, offlineAfterMissed: 2 }`,
    })
    h.tick(19)
    expect(h.take()).toEqual([])
    h.tick(20)
    expect(h.take().map(view)).toEqual(['raise device.offline fast-1'])
    h.tick(1199)
    expect(h.take()).toEqual([])
    h.tick(1200)
    expect(h.take().map((s) => `${s.device} ${s.detail}`)).toEqual(['nb-1 no message for 1200 s'])
  })

  it('When an offline alert is rearmed while the device is still silent, then the next tick raises it again', () => {
    const h = harness({ onlyDevices: ONE })
    h.tick(180)
    h.engine.rearm('smoke-1', 'device.offline')
    expect(h.engine.isActive('smoke-1', 'device.offline')).toBe(false)
    h.tick(181)
    expect(h.take().map(view)).toEqual(['raise device.offline smoke-1', 'raise device.offline smoke-1'])
  })
})

describe('disabled devices and rules', () => {
  it('When a device is disabled, then it raises nothing at all', () => {
    const h = harness({
      onlyDevices: `
  - { id: off-1, building: tower-a, floor: 2, zone: z, kind: smoke_detector, label: Off, secret: secret-off-1, disabled: true }`,
    })
    h.read('off-1', 'smoke_dbm', 0.5, 0)
    h.read('off-1', 'smoke_dbm', 0.5, 10)
    h.event('off-1', 'fire_alarm', 11)
    h.status('off-1', 'offline', 12)
    h.tick(10_000)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('off-1', 'smoke.alarm')).toBe(false)
  })

  it('When device.offline is disabled for a device, then neither silence nor status raises it', () => {
    const h = harness({
      onlyDevices: `
  - { id: s-1, building: tower-a, floor: 2, zone: z, kind: smoke_detector, label: S, secret: secret-s-1, rules: { device.offline: { enabled: false } } }`,
    })
    h.status('s-1', 'offline', 5)
    h.tick(10_000)
    expect(h.take()).toEqual([])
  })
})
