#!/usr/bin/env -S node --import tsx
/**
 * `npm run hash-secret`: prints the `scrypt$<salt>$<hash>` form of a device secret or API token for
 * the site file. The secret is read from stdin, never from the command line (where `ps` and the
 * shell history would keep it). `--generate` makes a random secret and prints it with its hash.
 */
import { randomBytes } from 'node:crypto'
import { hashSecret } from '../ingest/site/secret-hash.ts'

const USAGE = `usage: npm run hash-secret [-- --generate]
  echo -n 'the-secret' | npm run -s hash-secret    prints the hash for the site file
  npm run -s hash-secret -- --generate             prints a new random secret and its hash
`

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  // One trailing newline is the shell's, not the secret's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE)
    return 0
  }
  if (argv.includes('--generate')) {
    const secret = randomBytes(24).toString('base64url')
    process.stdout.write(`secret: ${secret}\nhash:   ${await hashSecret(secret)}\n`)
    return 0
  }
  if (argv.length > 0) {
    process.stderr.write(`hash-secret: unexpected ${argv.join(' ')} (the secret comes on stdin)\n${USAGE}`)
    return 64
  }
  if (process.stdin.isTTY) process.stderr.write('type the secret, then Enter and Ctrl-D:\n')
  const secret = await readStdin()
  if (secret.length < 4) {
    process.stderr.write('hash-secret: the secret on stdin is empty or shorter than 4 characters\n')
    return 64
  }
  process.stdout.write(`${await hashSecret(secret)}\n`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
