import { buildWeb, WEB_DIST } from '../gateway/web-bundle.ts'

await buildWeb()
console.log(`sensor wall built in ${WEB_DIST}`)
