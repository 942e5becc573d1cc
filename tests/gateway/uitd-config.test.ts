import { describe, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { parseGatewayEnv } from '../../gateway/config.ts'
import { createUitdListener, UitdSettings, uitdSettingsFromEnv } from '../../gateway/uitd/index.ts'

const quiet = { info: () => {}, warn: () => {}, debug: () => {} }

describe('UITD listener settings', () => {
  it('When no UITD variable is set, then the defaults are the documented ones', () => {
    const settings = UitdSettings.parse(uitdSettingsFromEnv({}))
    expect(settings).toMatchObject({
      port: 5_000,
      host: '0.0.0.0',
      maxFrameBytes: 1_054,
      maxConnections: 256,
      idleTimeoutMs: 120_000,
      silenceTimeoutMs: 90_000,
      serialByteOrder: 'le',
      timeSync: { onConnect: true, everyMs: 86_400_000, layout: 'time' },
      patrol: false,
    })
  })

  it('When the variables are set, then they become the settings', () => {
    const settings = uitdSettingsFromEnv({
      UITD_PORT: '6001',
      UITD_SERIAL_BYTE_ORDER: 'be',
      UITD_TIME_SYNC: 'off',
      UITD_PATROL_EVERY_SEC: '14400',
      UITD_PATROL_DEADLINE_SEC: '300',
      UITD_PATROL_BYTE: 'deadline-minutes',
    })
    expect(settings).toMatchObject({
      port: 6_001,
      serialByteOrder: 'be',
      timeSync: false,
      patrol: { everyMs: 14_400_000, deadlineMs: 300_000, byte: 'deadline-minutes' },
    })
  })

  it('When a variable is bad, then reading the environment fails naming it', () => {
    expect(() => uitdSettingsFromEnv({ UITD_MAX_FRAME_BYTES: '10' })).toThrow(/UITD_MAX_FRAME_BYTES/)
    expect(() => uitdSettingsFromEnv({ UITD_SERIAL_BYTE_ORDER: 'middle' })).toThrow(/UITD_SERIAL_BYTE_ORDER/)
  })

  it('When the gateway is started with a bad UITD variable, then start-up stops naming it; the receiver is off by default', () => {
    expect(parseGatewayEnv({}).UITD_ENABLED).toBe('off')
    expect(() => parseGatewayEnv({ UITD_ENABLED: 'yes' })).toThrow(/UITD_ENABLED/)
    expect(() => parseGatewayEnv({ UITD_ENABLED: 'on', UITD_PORT: '70000' })).toThrow(/UITD_PORT/)
    expect(() => parseGatewayEnv({ UITD_ENABLED: 'on', UITD_TLS: 'on' })).toThrow(
      /UITD_TLS: on needs TLS_CERT_FILE and TLS_KEY_FILE/,
    )
  })

  it('When the listener is given a bad setting, then it refuses with FGW_ERR_CONFIG before listening', async () => {
    const base = { port: 0, host: '127.0.0.1', clock: systemClock, log: quiet, allow: () => null, sinks: {} }
    await expect(createUitdListener({ ...base, timeZone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'FGW_ERR_CONFIG',
    })
    await expect(createUitdListener({ ...base, maxConnections: 0 })).rejects.toThrow(/maxConnections/)
  })
})
