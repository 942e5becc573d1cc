import { request } from 'node:http'
import { metricValue } from './api-client.ts'

export interface LoopbackAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * One HTTP request on a connection of its own (no pooled keep-alive connection stays behind) from
 * a chosen loopback address: each address is another "client" to the gateway's per-address limits.
 */
export function httpFrom(
  baseUrl: string,
  localAddress: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<LoopbackAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, baseUrl), { headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/** One sample of the gateway's /metrics, read from the gateway's own host. */
export async function metricFrom(baseUrl: string, sample: string): Promise<number> {
  return metricValue((await httpFrom(baseUrl, '127.0.0.1', '/metrics')).body, sample)
}

export const limitHits = (baseUrl: string, limit: string) =>
  metricFrom(baseUrl, `firewatch_limit_hits_total{limit="${limit}"}`)
