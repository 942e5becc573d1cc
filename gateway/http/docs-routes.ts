import type { FastifyInstance } from 'fastify'
import { buildOpenApiDocument } from './openapi-document.ts'

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  // Built once: the document depends only on the code, never on the request.
  const document = buildOpenApiDocument()
  app.get('/docs', async () => document)
}
