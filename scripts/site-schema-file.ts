import { fileURLToPath } from 'node:url'
import { siteJsonSchema } from '../ingest/site/site-json-schema.ts'

/** Where the site file's JSON Schema is kept (the demo sites point their editors at it). */
export const SITE_SCHEMA_FILE = fileURLToPath(new URL('../schema/site.schema.json', import.meta.url))

/** The file's text, exactly: two-space JSON and a final newline, as Biome formats JSON. */
export function siteSchemaText(): string {
  return `${JSON.stringify(siteJsonSchema(), null, 2)}\n`
}
