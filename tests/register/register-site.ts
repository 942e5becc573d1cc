import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { ROOT } from '../support/paths.ts'

export const REGISTER_SITE = join(ROOT, 'tests/register/fixtures/register-site.yaml')

/** The register test site with its webhook contacts pointed at `webhookUrl`, written into `dir`. */
export function registerSiteFile(dir: string, webhookUrl = 'http://127.0.0.1:9/unused'): string {
  const file = join(dir, 'register-site.yaml')
  writeFileSync(file, readFileSync(REGISTER_SITE, 'utf8').replaceAll('__WEBHOOK_URL__', webhookUrl))
  return file
}

export const TOKENS = {
  brigade: 'brigade-token',
  mgrA: 'manager-a-token',
  mgrA2: 'manager-a2-token',
  mgrB: 'manager-b-token',
  admin: 'admin-token',
} as const

/** The smallest valid PNG (1×1, one grey pixel), as a phone would never send but a decoder reads. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==',
  'base64',
)

/** A JPEG's first bytes and some more: enough for a type check by content. */
export const JPEG_HEAD = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)])

/** POSTs a photo as multipart/form-data, the way a browser's FormData does. */
export async function postPhoto(
  baseUrl: string,
  token: string,
  hazardId: number,
  file: { bytes: Buffer; type: string; name?: string },
  note?: string,
): Promise<{ status: number; body: any }> {
  const form = new FormData()
  form.set('photo', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name ?? 'photo.png')
  if (note !== undefined) form.set('note', note)
  const encoded = new Request('http://localhost/', { method: 'POST', body: form })
  const bytes = Buffer.from(await encoded.arrayBuffer())
  const { status, text } = await postReadingEarlyAnswer(
    `${baseUrl}/api/v1/hazards/${hazardId}/evidence`,
    {
      authorization: `Bearer ${token}`,
      'content-type': encoded.headers.get('content-type')!,
      'content-length': String(bytes.length),
    },
    bytes,
  )
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status, body }
}

/**
 * A POST whose answer is read even when the server answers before the body is all sent and closes
 * (a 413 for an oversized photo): fetch then reports only the broken pipe of its unfinished write.
 */
function postReadingEarlyAnswer(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request(url, { method: 'POST', headers }, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('error', (err) => {
      // The write's broken pipe: the answer (already read, or on its way) is what counts.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE' || answered) return
      reject(err)
    })
    req.end(body)
  })
}
