import { readFile } from 'node:fs/promises'
import type { z } from 'zod'
import {
  decodeLine,
  type RecordedMessage,
  type Recording,
  RecordingHeader,
  RecordingLine,
} from './recording-format.ts'

/** A recording that does not follow the format; `line` is 1-based, as editors count. */
export class RecordingError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`)
    this.name = 'RecordingError'
  }
}

export async function readRecording(file: string): Promise<Recording> {
  return parseRecording(await readFile(file, 'utf8'), file)
}

/** Validates every line with zod; the first bad line stops the parse with its line number. */
export function parseRecording(text: string, name = '<recording>'): Recording {
  const lines = text.split('\n')
  const headerIndex = lines.findIndex((l) => l.trim() !== '')
  if (headerIndex < 0) throw new RecordingError(name, 1, 'empty file: expected a firewatch-recording header')
  const header = parseLine(lines[headerIndex]!, headerIndex + 1, name, RecordingHeader, 'header: ')
  const messages: RecordedMessage[] = []
  let previousT = 0
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const text = lines[i]!
    // Blank lines (the final newline, hand edits) carry nothing.
    if (text.trim() === '') continue
    const message = decodeLine(parseLine(text, i + 1, name, RecordingLine, ''))
    if (message.t < previousT) {
      throw new RecordingError(name, i + 1, `t ${message.t} is before the previous message's t ${previousT}`)
    }
    previousT = message.t
    messages.push(message)
  }
  return { header, messages }
}

function parseLine<S extends z.ZodType>(
  text: string,
  line: number,
  name: string,
  schema: S,
  what: string,
): z.infer<S> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new RecordingError(name, line, `${what}not JSON (${(err as Error).message})`)
  }
  const result = schema.safeParse(json)
  if (result.success) return result.data
  const issues = result.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`)
  throw new RecordingError(name, line, `${what}${issues.join('; ')}`)
}
