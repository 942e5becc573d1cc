import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, extname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/paths.ts'

// The project carries its own documentation (docs/architecture.md, docs/protocol.md,
// docs/rules.md, README.md, SECURITY.md, CONTRIBUTING.md): a comment or a page that cites design
// notes kept outside the repository, or a ticket number, leaves the reader with nothing to open.
// These checks keep every citation followable and every relative link of the docs alive.

/** Folders that hold no project text: dependencies, build output, local data, vendored files. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.tools',
  'data',
  'coverage',
  'dist',
  'out',
  'compose-spec',
])
const TEXT_EXTENSIONS = new Set([
  '.ts',
  '.mts',
  '.mjs',
  '.js',
  '.json',
  '.md',
  '.yaml',
  '.yml',
  '.css',
  '.html',
  '.sh',
])
const TEXT_NAMES = new Set(['Dockerfile', 'run', '.dockerignore', '.gitignore'])
/** Generated from the lock of the dependencies, not written by the project. */
const SKIPPED_FILES = new Set(['package-lock.json'])

// Built from parts, so that this file does not cite what it looks for.
const NOTES = ['DESIGN', 'CONTRACT', 'DOMAIN', 'STYLE', 'LAYOUT', 'CLUSTER']
const OUTSIDE_DOCUMENT = new RegExp(
  `\\b(?:${NOTES.join('|')})\\.md\\b|\\.\\./shared\\b|\\[(?:${NOTES.join('|')})\\b[^\\]]*\\]`,
)
const TICKET = /\b[Ii]ssues? #?\d+/
const TAG = /\[FIRE-(?:RULE|ACL)[^\]]*\]/
const LINKED_DOCS = ['README.md', 'SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md']

interface Hit {
  file: string
  line: number
  text: string
}

/** Every text file of the project, relative to the repository root. */
function projectFiles(dir = ROOT): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...projectFiles(path))
    } else if (!SKIPPED_FILES.has(entry.name)) {
      if (TEXT_EXTENSIONS.has(extname(entry.name)) || TEXT_NAMES.has(entry.name))
        files.push(relative(ROOT, path))
    }
  }
  return files.sort()
}

/** Lines of `files` on which `pattern` finds something. */
function linesMatching(files: readonly string[], pattern: RegExp): Hit[] {
  const hits: Hit[] = []
  for (const file of files) {
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (pattern.test(text)) hits.push({ file, line: i + 1, text: text.trim() })
      })
  }
  return hits
}

/** The tags docs/rules.md defines: the first cell of each row of its tag table. */
function definedTags(): Set<string> {
  const rules = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')
  return new Set([...rules.matchAll(/^\| `(\[FIRE-(?:RULE|ACL)-\d+\])` \|/gm)].map((m) => m[1]!))
}

/** Markdown without its fenced blocks and inline code, where nothing is a link or a heading. */
function proseOf(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '')
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-')
}

function anchorsOf(markdownFile: string): Set<string> {
  const text = readFileSync(markdownFile, 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '')
  const anchors = new Set<string>()
  for (const m of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(m[1]!)
    let anchor = base
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`
    anchors.add(anchor)
  }
  return anchors
}

/** Relative link targets of a markdown file: inline links, images and reference definitions. */
function linkTargets(markdown: string): string[] {
  const prose = proseOf(markdown)
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!)
  const defined = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!)
  return [...inline, ...defined].filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
}

/** Why a relative link of `file` leads nowhere, or null when it leads to a file (and section). */
function brokenLink(file: string, target: string): string | null {
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined]
  const path = decodeURIComponent(pathPart.split('?')[0]!)
  const resolved = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path)
  if (!existsSync(resolved)) return `${target}: no file ${relative(ROOT, resolved)}`
  if (anchor === undefined || anchor === '' || !resolved.endsWith('.md')) return null
  return anchorsOf(resolved).has(anchor.toLowerCase()) ? null : `${target}: no section #${anchor}`
}

function brokenLinks(files: readonly string[]): string[] {
  const broken: string[] = []
  for (const file of files) {
    for (const target of linkTargets(readFileSync(join(ROOT, file), 'utf8'))) {
      const problem = brokenLink(file, target)
      if (problem) broken.push(`${file}: ${problem}`)
    }
  }
  return broken
}

const docsFiles = () => [
  ...LINKED_DOCS.filter((f) => existsSync(join(ROOT, f))),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]

describe('The project documentation', () => {
  const files = projectFiles()

  it('When the code, the tests and the docs are read, then none cites a document outside the repository', () => {
    expect(files).toContain('alerting/alarm-path.ts')
    expect(linesMatching(files, OUTSIDE_DOCUMENT)).toEqual([])
  })

  it('When the code, the tests and the docs are read, then none cites a ticket number', () => {
    expect(linesMatching(files, TICKET)).toEqual([])
  })

  it('When a comment carries a fire-rule tag, then docs/rules.md defines that tag', () => {
    const defined = definedTags()
    expect(defined.size).toBeGreaterThan(0)
    const undefinedTags = linesMatching(files, TAG).filter((hit) =>
      (hit.text.match(new RegExp(TAG.source, 'g')) ?? []).some((tag) => !defined.has(tag)),
    )
    expect(undefinedTags).toEqual([])
  })

  it('When the docs link to a file or a section of one, then it exists', () => {
    expect(docsFiles()).toContain('docs/architecture.md')
    expect(brokenLinks(docsFiles())).toEqual([])
  })

  it('When the checks are shown planted citations, tags and links, then each one finds them', () => {
    expect(OUTSIDE_DOCUMENT.test(`see ${NOTES[0]}.md`)).toBe(true)
    expect(OUTSIDE_DOCUMENT.test(`(../${'shared'}/x.md)`)).toBe(true)
    expect(OUTSIDE_DOCUMENT.test(`[${NOTES[2]} §2] patrol`)).toBe(true)
    expect(OUTSIDE_DOCUMENT.test('docs/rules.md, "Signal classes"')).toBe(false)
    expect(TICKET.test(`(${'issue'} 9: logged once)`)).toBe(true)
    expect(TICKET.test(`after ${'issues'} 5-10 landed`)).toBe(true)
    expect(definedTags().has('[FIRE-' + 'RULE-99]')).toBe(false)
    expect(TAG.test('[FIRE-' + 'RULE]')).toBe(true)
    expect(slug('Simulators: `firewatch-sim`'.replace(/`/g, ''))).toBe('simulators-firewatch-sim')
    expect(brokenLink('README.md', 'docs/nothing-here.md')).toMatch(/no file/)
    expect(brokenLink('README.md', 'docs/rules.md#no-such-section')).toMatch(/no section/)
    expect(brokenLink('README.md', 'docs/rules.md#signal-classes')).toBeNull()
  })
})
