import { Agent, request } from 'node:http'
import type { FuzzInputs } from './fuzz-inputs.ts'
import type { FuzzReport } from './fuzz-report.ts'

/** API requests with fuzzed routes, content types and bodies: each must get a status below 500. */
export async function fuzzHttp(
  baseUrl: string,
  count: number,
  maxBodyBytes: number,
  gen: FuzzInputs,
  report: FuzzReport,
) {
  const section = report.section('http requests')
  const agent = new Agent({ keepAlive: true, maxSockets: 24 })
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      const input = gen.httpRequest()
      const outcome = await answer(baseUrl, agent, input, maxBodyBytes)
      section.count(outcome.label)
      if (outcome.finding) {
        report.finding(
          `${input.method} ${input.path.slice(0, 80)} (${input.headers['content-type'] ?? 'no type'}) -> ${outcome.label}`,
        )
      }
    }
  }
  await Promise.all(Array.from({ length: 24 }, worker))
  agent.destroy()
}

type Input = ReturnType<FuzzInputs['httpRequest']>

/**
 * A status below 500 is an answer. A body over the limit is refused with 413 as soon as its length
 * is known, and the server closes the connection while the client is still sending: a reset there
 * is the refusal. A kept-alive socket the server had just closed fails the next request on it; the
 * same request on a fresh connection tells whether the server answers.
 */
async function answer(baseUrl: string, agent: Agent, input: Input, maxBodyBytes: number) {
  let status = await send(baseUrl, agent, input)
  let how = 'answered'
  if (typeof status !== 'number') {
    status = await send(baseUrl, false, input)
    how = 'answered on a fresh connection'
  }
  if (typeof status === 'number') return { label: `${how}: HTTP ${status}`, finding: status >= 500 }
  if ((input.body?.length ?? 0) > maxBodyBytes) {
    return {
      label: 'dropped: body over HTTP_MAX_BODY_BYTES, connection reset while sending (413)',
      finding: false,
    }
  }
  return { label: `no answer: ${status} (finding)`, finding: true }
}

function send(baseUrl: string, agent: Agent | false, input: Input): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(
      new URL(input.path, baseUrl),
      { method: input.method, headers: input.headers, agent, localAddress: '127.0.0.10', timeout: 15_000 },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', (err) => resolve(err.message))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (err) => resolve(err.message))
    req.end(input.body)
  })
}
