import type { FastifyInstance } from 'fastify'
import { contactsPaths, contactsSchemas, twilioStatusPaths } from './openapi-contacts.ts'
import { buildOpenApiDocument } from './openapi-document.ts'
import { incidentPaths, incidentSchemas } from './openapi-incidents.ts'
import { livePaths } from './openapi-live.ts'
import { ackLinkPaths, notifySchemas, pushPaths } from './openapi-notify.ts'
import { registerPaths } from './openapi-register.ts'
import { schedulePaths, scheduleSchemas } from './openapi-schedules.ts'
import { selfTestPaths, selfTestSchemas } from './openapi-self-test.ts'
import { uitdPaths, uitdSchemas } from './openapi-uitds.ts'
import { windowPaths, windowSchemas } from './openapi-windows.ts'

/** Which optional route groups the app serves, so that /docs describes exactly those. */
export interface DocsOptions {
  ackLinks?: boolean
  push?: boolean
  live?: boolean
  contacts?: boolean
  twilioStatus?: boolean
  schedules?: boolean
  windows?: boolean
  uitds?: boolean
  incidents?: boolean
  selfTest?: boolean
  register?: boolean
}

export async function docsRoutes(app: FastifyInstance, options: DocsOptions = {}): Promise<void> {
  // Built once: the document depends only on the code and the routes served, never on the request.
  const document = buildOpenApiDocument() as { paths: object; components: { schemas: object } }
  if (options.ackLinks) document.paths = { ...document.paths, ...ackLinkPaths() }
  if (options.live) document.paths = { ...document.paths, ...livePaths() }
  if (options.push) {
    document.paths = { ...document.paths, ...pushPaths() }
    document.components.schemas = { ...document.components.schemas, ...notifySchemas() }
  }
  if (options.contacts) {
    document.paths = { ...document.paths, ...contactsPaths() }
    document.components.schemas = { ...document.components.schemas, ...contactsSchemas() }
  }
  if (options.twilioStatus) document.paths = { ...document.paths, ...twilioStatusPaths() }
  if (options.schedules) {
    document.paths = { ...document.paths, ...schedulePaths() }
    document.components.schemas = { ...document.components.schemas, ...scheduleSchemas() }
  }
  if (options.windows) {
    document.paths = { ...document.paths, ...windowPaths() }
    document.components.schemas = { ...document.components.schemas, ...windowSchemas() }
  }
  if (options.uitds) {
    document.paths = { ...document.paths, ...uitdPaths() }
    document.components.schemas = { ...document.components.schemas, ...uitdSchemas() }
  }
  if (options.incidents) {
    document.paths = { ...document.paths, ...incidentPaths() }
    document.components.schemas = { ...document.components.schemas, ...incidentSchemas() }
  }
  if (options.selfTest) {
    document.paths = { ...document.paths, ...selfTestPaths() }
    document.components.schemas = { ...document.components.schemas, ...selfTestSchemas() }
  }
  if (options.register) document.paths = { ...document.paths, ...registerPaths() }
  app.get('/docs', async () => document)
}
