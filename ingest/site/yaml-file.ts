import { readFileSync } from 'node:fs'
import { isNode, LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'

export class YamlFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n  ${problems.join('\n  ')}`)
    this.name = 'YamlFileError'
  }
}

/**
 * Reads a YAML file and validates it with a zod schema. Every problem names the file, the line
 * and the field, e.g. `site.yaml:14 devices[3].floor: floor 40 is not in tower-a`.
 */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new YamlFileError(file, [`cannot read: ${(err as Error).message}`])
  }
  return parseYamlText(text, schema, file)
}

export function parseYamlText<S extends z.ZodType>(text: string, schema: S, file = '<text>'): z.infer<S> {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  if (doc.errors.length > 0) {
    throw new YamlFileError(
      file,
      doc.errors.map((e) => `${file}:${lines.linePos(e.pos[0]).line} ${e.message.split('\n')[0]}`),
    )
  }
  const result = schema.safeParse(doc.toJS())
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const path = issue.path as (string | number)[]
    const line = lineOf(doc, lines, path)
    return `${file}${line ? `:${line}` : ''} ${formatPath(path) || '(root)'}: ${issue.message}`
  })
  throw new YamlFileError(file, problems)
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')
}

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: (string | number)[],
): number | null {
  // The deepest node that exists on the path: a missing field is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true)
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line
  }
  return null
}
