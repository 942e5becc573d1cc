import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'

interface WebOptions {
  /** The built wall (gateway/web/dist, `npm run build:web`). */
  dir: string
}

/** The few files of the sensor wall; anything else is not served from disk. */
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.js.map': { file: 'app.js.map', type: 'application/json; charset=utf-8' },
  '/sw.js': { file: 'sw.js', type: 'text/javascript; charset=utf-8' },
  '/wall.css': { file: 'wall.css', type: 'text/css; charset=utf-8' },
  '/building.css': { file: 'building.css', type: 'text/css; charset=utf-8' },
}

/** The sensor wall at `/`: static files, no token needed (the data behind it needs one). */
export async function webRoutes(app: FastifyInstance, { dir }: WebOptions): Promise<void> {
  for (const [path, { file, type }] of Object.entries(FILES)) {
    app.get(path, async (_request, reply) => {
      const body = await readFile(join(dir, file)).catch(() => null)
      if (body === null) {
        return reply
          .code(503)
          .type('text/plain')
          .send('The sensor wall is not built: run `npm run build:web`.')
      }
      return reply.type(type).header('cache-control', 'no-cache').send(body)
    })
  }
}
