import { get } from 'node:http'

export interface SseEvent {
  event: string
  id: number | null
  data: any
}

export interface SseStream {
  status: number
  events: SseEvent[]
  /** Resolves with the first event (already received or coming) that matches. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>
  close(): void
}

/**
 * Reads /api/v1/live the way the wall does (a plain streamed GET with the bearer header, no
 * EventSource), over node:http with a connection of its own: closing it closes the socket, so no
 * pooled keep-alive connection outlives the test and holds up the gateway's shutdown.
 */
export function openLive(httpUrl: string, token: string | null, lastEventId?: number): Promise<SseStream> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId)
  const events: SseEvent[] = []
  const waiters = new Set<() => void>()
  return new Promise((resolve, reject) => {
    const req = get(`${httpUrl}/api/v1/live`, { headers, agent: false }, (res) => {
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const e = parse(buffer.slice(0, cut))
          buffer = buffer.slice(cut + 2)
          if (e) events.push(e)
        }
        for (const w of [...waiters]) w()
      })
      res.on('error', () => {})
      resolve({
        status: res.statusCode ?? 0,
        events,
        next: nextOf(events, waiters),
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
  })
}

function nextOf(events: SseEvent[], waiters: Set<() => void>): SseStream['next'] {
  return (match, timeoutMs = 3000) =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find(match)
        if (!found) return
        waiters.delete(check)
        clearTimeout(timer)
        resolve(found)
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        const got = JSON.stringify(events.map((e) => e.event))
        reject(new Error(`no matching live event in ${timeoutMs} ms; got ${got}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
}

function parse(block: string): SseEvent | null {
  const fields = new Map<string, string>()
  for (const line of block.split('\n')) {
    const m = /^([a-z-]+): ?(.*)$/.exec(line)
    if (m) fields.set(m[1]!, m[2]!)
  }
  const data = fields.get('data')
  if (data === undefined) return null
  const id = fields.get('id')
  return {
    event: fields.get('event') ?? 'message',
    id: id === undefined ? null : Number(id),
    data: JSON.parse(data),
  }
}
