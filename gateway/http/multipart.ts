import type { FastifyInstance } from 'fastify'

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string
  filename: string | null
  /** The part's own Content-Type (what the browser claims; never trusted for a photo's type). */
  type: string | null
  data: Buffer
}

const MAX_PARTS = 8

/**
 * Lets a scope accept multipart/form-data bodies of at most `bodyLimit` bytes, read whole (an
 * evidence photo is a few MB at most) and split into parts. A larger body is refused by fastify
 * before it is read (413 FGW_ERR_HTTP_TOO_LARGE); a body that is not well formed is a 400.
 */
export function acceptMultipart(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(request.headers['content-type'] ?? '')
    const parts = boundary ? parseMultipart(body as Buffer, boundary[1] ?? boundary[2]!) : null
    if (parts === null) {
      const error = Object.assign(new Error('not a well-formed multipart/form-data body'), {
        statusCode: 400,
      })
      done(error, undefined)
      return
    }
    done(null, { parts })
  })
}

/** The parts of a body (RFC 7578), or null when it is not well formed. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | null {
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: FormPart[] = []
  let at = body.indexOf(delimiter)
  if (at < 0) return null
  while (parts.length <= MAX_PARTS) {
    at += delimiter.length
    if (body.subarray(at, at + 2).toString() === '--') return parts
    if (body.subarray(at, at + 2).toString() !== '\r\n') return null
    const headerEnd = body.indexOf('\r\n\r\n', at + 2)
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd)
    if (headerEnd < 0 || next < 0) return null
    const part = partOf(body.subarray(at + 2, headerEnd).toString('utf8'), body.subarray(headerEnd + 4, next))
    if (part === null) return null
    parts.push(part)
    at = next + 2
  }
  return null
}

function partOf(headers: string, data: Buffer): FormPart | null {
  const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1]
  if (disposition === undefined) return null
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1]
  if (name === undefined) return null
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? null
  const type = /^content-type:\s*([^\r\n;]+)/im.exec(headers)?.[1]?.trim().toLowerCase() ?? null
  return { name, filename, type, data }
}
