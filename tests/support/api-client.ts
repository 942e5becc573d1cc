/** A tiny HTTP client for the gateway API over real HTTP. */
export function apiClient(baseUrl: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  })
  return {
    async get(path: string): Promise<{ status: number; body: any }> {
      const res = await fetch(baseUrl + path, { headers: headers() })
      return { status: res.status, body: await parse(res) }
    },
    async post(path: string, body?: unknown): Promise<{ status: number; body: any }> {
      const res = await fetch(baseUrl + path, {
        method: 'POST',
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      })
      return { status: res.status, body: await parse(res) }
    },
    async del(path: string): Promise<{ status: number; body: any }> {
      const res = await fetch(baseUrl + path, { method: 'DELETE', headers: headers() })
      return { status: res.status, body: await parse(res) }
    },
    async text(path: string): Promise<string> {
      return (await fetch(baseUrl + path, { headers: headers() })).text()
    },
  }
}

async function parse(res: Response): Promise<any> {
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Polls until `check` returns a truthy value; fails with the last value after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs
  let last: T
  do {
    last = await check()
    if (last) return last as NonNullable<T>
    await new Promise((r) => setTimeout(r, everyMs))
  } while (performance.now() < deadline)
  throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`)
}

/**
 * The value of one Prometheus sample, e.g. metric('firewatch_readings_rejected_total{reason="X"}').
 * A labelled sample not counted yet is 0; a metric the exposition does not declare at all (renamed,
 * removed, or `text` is not the metrics page) throws, so that such a test cannot pass on a 0.
 */
export function metricValue(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `))
  if (line) return Number(line.slice(sample.length + 1))
  const name = sample.split('{')[0]!
  const family = name.replace(/_(bucket|sum|count)$/, '')
  if (!text.includes(`# TYPE ${name} `) && !text.includes(`# TYPE ${family} `))
    throw new Error(`the metrics page does not declare ${name}`)
  return 0
}
