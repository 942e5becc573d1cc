import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureOwnPrivateDir, PRIVATE_FILE_MODE } from '../ingest/private-files.ts'

/** Where Debian, Ubuntu and the Chrome packages put the browser. */
const KNOWN_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/** The printed page may load nothing and run nothing: its CSP, beside the escaping of every value. */
const PRINT_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`

export interface PdfPrinter {
  /** The browser used, or null when printing is off (REPORT_PDF_BROWSER=off, or none found). */
  readonly browser: string | null
  print(html: string): Promise<Buffer>
}

/** REPORT_PDF_BROWSER: `auto` (a known path that exists), `off`, or the browser's path. */
export function findBrowser(setting: string): string | null {
  if (setting === 'off') return null
  if (setting !== 'auto') return setting
  return KNOWN_BROWSERS.find((p) => existsSync(p)) ?? null
}

/**
 * HTML to PDF with a headless Chromium (docs/register.md "PDF"): the page goes to a private temp
 * directory under DATA_DIR with its own browser profile, the browser prints it and exits, and
 * everything is removed. One print at a time (a browser takes a few hundred MB), each killed after
 * `timeoutMs`. Chinese needs a CJK font on the host (Debian: fonts-noto-cjk).
 */
export function createPdfPrinter(browser: string | null, dataDir: string, timeoutMs: number): PdfPrinter {
  let queue: Promise<unknown> = Promise.resolve()
  const root = join(dataDir, 'pdf-tmp')
  return {
    browser,
    print(html) {
      if (browser === null)
        return Promise.reject(new Error('REPORT_PDF_BROWSER is off or no browser was found'))
      const job = queue.then(() => printOnce(browser, root, html, timeoutMs))
      queue = job.catch(() => undefined)
      return job
    },
  }
}

async function printOnce(browser: string, root: string, html: string, timeoutMs: number): Promise<Buffer> {
  ensureOwnPrivateDir(root)
  const dir = mkdtempSync(join(root, 'print-'))
  try {
    const page = join(dir, 'report.html')
    const out = join(dir, 'report.pdf')
    writeFileSync(page, html.replace('<meta charset="utf-8">', `<meta charset="utf-8">${PRINT_CSP}`), {
      mode: PRIVATE_FILE_MODE,
    })
    await run(
      browser,
      [
        '--headless',
        // A container's root user has no sandbox to enter; the page is our own escaped HTML.
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-extensions',
        '--disable-background-networking',
        '--no-pdf-header-footer',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--print-to-pdf=${out}`,
        pathToFileURL(page).href,
      ],
      timeoutMs,
    )
    if (!existsSync(out)) throw new Error('the browser exited without writing the PDF')
    return readFileSync(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve()
      else
        reject(
          new Error(`${command} exited with ${code ?? signal}: ${stderr.split('\n').slice(-3).join(' ')}`),
        )
    })
  })
}
