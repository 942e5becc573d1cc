import { writeFileSync } from 'node:fs'
import { SITE_SCHEMA_FILE, siteSchemaText } from './site-schema-file.ts'

// `npm run schema`: writes schema/site.schema.json from the zod schema of the site file. Commit
// the result; tests/ingest/site-json-schema.test.ts fails while it differs.
writeFileSync(SITE_SCHEMA_FILE, siteSchemaText())
console.log(`site file schema written to ${SITE_SCHEMA_FILE}`)
