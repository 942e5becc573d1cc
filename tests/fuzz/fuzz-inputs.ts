import { METRIC_FAMILIES } from '../../ingest/metrics-catalog.ts'
import { DEVICE_EVENTS } from '../../ingest/reading.ts'
import { Prng } from '../../simulators/models/prng.ts'

/** Seeded generators of hostile inputs: the same seed gives the same run (FUZZ_SEED). */
export class FuzzInputs {
  private readonly rng: Prng

  constructor(seed: number) {
    this.rng = new Prng(seed)
  }

  int(max: number): number {
    return Math.floor(this.rng.next() * max)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = this.int(256)
    return b
  }

  string(max = 40): string {
    const alphabets = [
      'abcxyz_:-.',
      '0123456789',
      '\u0000\u0001\u007f\ufffd',
      '漢字火警😀',
      '/+#$',
      ' "\\{}[]',
    ]
    let s = ''
    const n = this.int(max)
    for (let i = 0; i < n; i++) {
      // Whole code points: a lone surrogate is not a string any client could send as UTF-8.
      const a = Array.from(this.pick(alphabets))
      s += a[this.int(a.length)]
    }
    return s
  }

  /** Any JSON-ish value, nested at most `depth` levels. */
  value(depth = 3): unknown {
    const kinds = depth <= 0 ? 7 : 9
    switch (this.int(kinds)) {
      case 0:
        return this.pick([0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 0.08, 97])
      case 1:
        return this.string()
      case 2:
        return this.pick([true, false, null])
      case 3:
        return this.rng.next() * 200 - 100
      case 4:
        return this.pick(['NaN', 'Infinity', '-0', '1e999', ''])
      case 5:
        return 'x'.repeat(this.int(3000))
      case 6:
        return this.int(2 ** 31)
      case 7:
        return Array.from({ length: this.int(5) }, () => this.value(depth - 1))
      default:
        return this.object(depth - 1)
    }
  }

  object(depth = 2): Record<string, unknown> {
    const keys = [
      'ts',
      'seq',
      'metrics',
      'event',
      'detail',
      '__proto__',
      'constructor',
      'prototype',
      this.string(12),
    ]
    const o: Record<string, unknown> = {}
    for (let i = this.int(5); i > 0; i--) o[this.pick(keys)] = this.value(depth)
    return o
  }

  /** A device payload: mutated valid messages, odd JSON, or no JSON at all. */
  payload(): Buffer {
    const metrics = METRIC_FAMILIES
    switch (this.int(8)) {
      case 0: {
        const m: Record<string, unknown> = {}
        for (let i = this.int(6); i > 0; i--) {
          m[`${this.pick(metrics)}${this.int(4) === 0 ? `:${this.string(6)}` : ''}`] = this.value(1)
        }
        return json({
          ts: this.pick([1_763_800_000_000, 0, -1, 1e15, '2026-01-01', undefined]),
          seq: this.value(0),
          metrics: m,
        })
      }
      case 1:
        return json({
          event: this.pick([...DEVICE_EVENTS, this.string(10)]),
          detail: this.value(1),
          ts: this.value(0),
        })
      case 2:
        return Buffer.from(this.pick(['online', 'offline', 'ONLINE', '', 'null', '{}', '[]']))
      case 3:
        return json(this.value(4))
      case 4:
        return Buffer.from(JSON.stringify(this.object(3)).slice(0, this.int(60)))
      case 5:
        return this.bytes(this.int(200))
      case 6:
        return Buffer.from(`${'['.repeat(this.int(5000))}1${']'.repeat(this.int(5000))}`)
      default:
        return Buffer.from(
          `{"metrics":{"smoke_dbm":${this.pick(['1e999', '-', '0x10', '.5', '1_000', '"0.1"', 'NaN'])}}}`,
        )
    }
  }

  /** A topic name a device might publish to (valid UTF-8, no wildcards: those go to raw packets). */
  topic(own: string): string {
    const levels = own.split('/')
    switch (this.int(7)) {
      case 0:
        return own
      case 1:
        return levels.slice(0, this.int(levels.length + 1)).join('/')
      case 2:
        return `${own}/${topicSafe(this.string(20))}`
      case 3:
        return [
          'fw',
          this.pick(['tower-a', 'tower-b', 'x', '']),
          this.pick(['tb-03-smoke-01', 'ta-12-smoke-01', '']),
          this.pick(['telemetry', 'event', 'status', 'error', 'alerts']),
        ].join('/')
      case 4:
        return `$SYS/${topicSafe(this.string(10))}`
      case 5:
        return '/'.repeat(1 + this.int(40))
      default:
        return topicSafe(this.string(300)) || 'x'
    }
  }

  /** A subscription filter, wildcards and invalid ones included. */
  filter(): string {
    return this.pick([
      () => 'fw/#',
      () => '#',
      () => 'fw/+/alerts',
      () => `fw/${this.pick(['tower-a', 'tower-b', '+', '#'])}/${this.pick(['alerts', '+', '#', 'x'])}`,
      () => `fw/${this.string(8)}/#/x`,
      () => `${this.string(30)}`,
      () => `$SYS/#`,
      () => '+/+/+/+/+/+/+/+/+/+',
      () => 'a'.repeat(this.int(70_000)),
    ])()
  }

  /** An HTTP request against the API: route, method, content type and body all fuzzed. */
  httpRequest(): { method: string; path: string; headers: Record<string, string>; body?: Buffer } {
    const id = this.pick(['nope', '%00', '..%2f..%2fetc', 'a'.repeat(500), "1' OR 1=1", '😀'])
    const path = this.pick([
      `/api/v1/alerts/${id}/ack`,
      `/api/v1/alerts/${id}/resolve`,
      '/api/v1/push/subscriptions',
      `/api/v1/alerts?state=${encodeURIComponent(this.string(10))}&since=${encodeURIComponent(this.string(8))}`,
      `/api/v1/devices/${id}/readings?metric=${encodeURIComponent(this.string(10))}&from=${this.string(5)}`,
      `/api/v1/buildings/${id}`,
      `/ack/${id}`,
    ])
    const method =
      path.includes('?') || path.includes('buildings')
        ? this.pick(['GET', 'POST', 'PUT'])
        : this.pick(['POST', 'POST', 'GET', 'DELETE'])
    const contentType = this.pick([
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ])
    const headers: Record<string, string> = {
      authorization: this.pick([
        'Bearer brigade-token',
        'Bearer manager-a-token',
        'Bearer wrong',
        'Basic eA==',
        '',
      ]),
    }
    if (contentType) headers['content-type'] = contentType
    if (method === 'GET') return { method, path, headers }
    const body = this.pick([
      () => json(this.object(3)),
      () => json({ note: this.value(1) }),
      () => json({ endpoint: this.value(0), keys: this.value(1), contact: this.value(0) }),
      () => this.bytes(this.int(300)),
      () => Buffer.from(`note=${this.string(20)}`),
      () => Buffer.from(`{"note":"${'a'.repeat(this.int(80_000))}"}`),
      () => Buffer.alloc(0),
    ])()
    return { method, path, headers, body }
  }

  /** Bytes for a fresh MQTT connection: mutated CONNECTs, bad headers, lengths that lie, noise. */
  rawPacket(valid: Buffer): Buffer {
    const b = Buffer.from(valid)
    switch (this.int(6)) {
      case 0:
        for (let i = 1 + this.int(4); i > 0; i--) b[this.int(b.length)] = this.int(256)
        return b
      case 1:
        return b.subarray(0, this.int(b.length))
      case 2:
        return Buffer.concat([b, this.bytes(this.int(64))])
      case 3:
        return Buffer.from([this.int(256), 0xff, 0xff, 0xff, 0xff, ...this.bytes(8)])
      case 4:
        return Buffer.concat([
          Buffer.from([(1 + this.int(15)) << 4, this.int(128)]),
          this.bytes(this.int(127)),
        ])
      default:
        return this.bytes(1 + this.int(100))
    }
  }
}

/** Without wildcards and NUL, which the client library refuses in a topic name (raw packets cover those). */
function topicSafe(text: string): string {
  return Array.from(text)
    .filter((c) => c !== '+' && c !== '#' && c !== String.fromCharCode(0))
    .join('')
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) ?? 'undefined')
}
