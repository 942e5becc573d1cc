import { describe, expect, it } from 'vitest'
import { GatewayEnv } from '../../gateway/config.ts'
import { connectionProblems, openFileLimit, resolveConnectionCaps } from '../../gateway/limits/fd-budget.ts'

const defaults = GatewayEnv.parse({})
const limitsFile = (soft: string, hard = soft) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units',
    'Max processes             95426                95426                processes',
    `Max open files            ${soft}                ${hard}                files`,
  ].join('\n')

describe('Connection caps from the open-file limit', () => {
  it('When the limit is the usual 1024, then HTTP keeps 256 (32 per address), MQTT gets what is left after the reserve, and half of it may wait for a login', () => {
    const caps = resolveConnectionCaps(defaults, 1024)
    expect(caps.http).toEqual({ total: 256, perAddress: 32 })
    expect(caps.mqtt).toEqual({ total: 1024 - 128 - 256 - 32, perAddress: 608 })
    expect(caps.pendingLogins).toEqual({ total: 304, perAddress: 64 })
    expect(caps.live).toEqual({ total: 128, perAddress: 16 })
    expect(connectionProblems(defaults, 1024)).toEqual([])
  })

  it('When the limit is large, then MQTT stops at 50,000 and 1,024 pending logins', () => {
    const caps = resolveConnectionCaps(defaults, 1_048_576)
    expect(caps.mqtt).toEqual({ total: 50_000, perAddress: 2_000 })
    expect(caps.pendingLogins.total).toBe(1_024)
  })

  it('When the limit leaves MQTT no room, or a set cap does not fit, then the problem names the variable to change', () => {
    expect(connectionProblems(defaults, 400).map(([name]) => name)).toEqual(['HTTP_MAX_CONNECTIONS'])
    const set = GatewayEnv.parse({ MQTT_MAX_CONNECTIONS: '900' })
    expect(connectionProblems(set, 1024).map(([name]) => name)).toEqual(['MQTT_MAX_CONNECTIONS'])
    expect(connectionProblems(set, 4096)).toEqual([])
  })

  it('When the fire panel receiver is on, then its UITD_MAX_CONNECTIONS come out of what MQTT gets', () => {
    const on = GatewayEnv.parse({ UITD_ENABLED: 'on', UITD_MAX_CONNECTIONS: '64' })
    expect(resolveConnectionCaps(on, 1024).mqtt.total).toBe(1024 - 128 - 256 - 32 - 64)
    const tight = GatewayEnv.parse({ UITD_ENABLED: 'on', MQTT_MAX_CONNECTIONS: '600' })
    expect(connectionProblems(tight, 1024).map(([name]) => name)).toEqual(['MQTT_MAX_CONNECTIONS'])
    expect(connectionProblems(GatewayEnv.parse({ MQTT_MAX_CONNECTIONS: '600' }), 1024)).toEqual([])
  })

  it('When /proc/self/limits is read, then the soft limit counts; unlimited is large; unreadable is 1024', () => {
    expect(openFileLimit(() => limitsFile('20000'))).toBe(20_000)
    expect(openFileLimit(() => limitsFile('unlimited'))).toBe(1_048_576)
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT')
      }),
    ).toBe(1_024)
    expect(openFileLimit()).toBeGreaterThan(0)
  })
})
