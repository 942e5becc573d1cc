import { describe, expect, it } from 'vitest'
import { GatewayEnv } from '../../gateway/config.ts'

/** The variables a configuration is refused for, as main.ts names them before exiting with 78. */
function refused(env: Record<string, string>): string[] {
  const parsed = GatewayEnv.safeParse(env)
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.')).sort()
}

describe('Security variables of the proxies, push services and /metrics', () => {
  it('When they are not set, then X-Forwarded-For is trusted from nobody, push goes to the browsers’ services only and /metrics is open', () => {
    const env = GatewayEnv.parse({})
    expect(env.HTTP_TRUSTED_PROXIES).toEqual([])
    expect(env.PUSH_SERVICE_HOSTS).toEqual([
      'fcm.googleapis.com',
      'updates.push.services.mozilla.com',
      '*.notify.windows.com',
      'web.push.apple.com',
    ])
    expect(env.METRICS_ACCESS).toBe('open')
    expect(env.METRICS_TOKEN).toBeUndefined()
  })

  it('When they are well formed, then they are read as lists and settings', () => {
    const env = GatewayEnv.parse({
      HTTP_TRUSTED_PROXIES: ' 10.0.0.5, 192.168.0.0/16,fd00::/8 , ::1, loopback',
      PUSH_SERVICE_HOSTS: 'FCM.googleapis.com, *.push.example.org, 127.0.0.1, ::1',
      METRICS_ACCESS: 'token',
      METRICS_TOKEN: 'a-long-enough-scrape-token',
    })
    expect(env.HTTP_TRUSTED_PROXIES).toEqual(['10.0.0.5', '192.168.0.0/16', 'fd00::/8', '::1', 'loopback'])
    expect(env.PUSH_SERVICE_HOSTS).toEqual(['fcm.googleapis.com', '*.push.example.org', '127.0.0.1', '::1'])
    expect(env.METRICS_ACCESS).toBe('token')
  })

  it('When one is malformed, then the configuration is refused naming it', () => {
    expect(refused({ HTTP_TRUSTED_PROXIES: '10.0.0.0/33' })).toEqual(['HTTP_TRUSTED_PROXIES.0'])
    expect(refused({ HTTP_TRUSTED_PROXIES: '10.0.0.1,proxy.example.com' })).toEqual([
      'HTTP_TRUSTED_PROXIES.1',
    ])
    expect(refused({ HTTP_TRUSTED_PROXIES: '*' })).toEqual(['HTTP_TRUSTED_PROXIES.0'])
    expect(refused({ PUSH_SERVICE_HOSTS: 'https://fcm.googleapis.com/' })).toEqual(['PUSH_SERVICE_HOSTS.0'])
    expect(refused({ PUSH_SERVICE_HOSTS: '*.com' })).toEqual(['PUSH_SERVICE_HOSTS.0'])
    expect(refused({ PUSH_SERVICE_HOSTS: '*' })).toEqual(['PUSH_SERVICE_HOSTS.0'])
    expect(refused({ PUSH_SERVICE_HOSTS: ' , ' })).toEqual(['PUSH_SERVICE_HOSTS'])
    expect(refused({ METRICS_ACCESS: 'public' })).toEqual(['METRICS_ACCESS'])
    expect(refused({ METRICS_ACCESS: 'token', METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN'])
    // A token without METRICS_ACCESS=token would leave /metrics open while looking protected.
    expect(refused({ METRICS_TOKEN: 'a-long-enough-scrape-token' })).toEqual(['METRICS_TOKEN'])
  })
})
