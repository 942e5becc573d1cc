import { z } from 'zod'

/** Keys whose value may be `{ env: NAME }` instead of the secret itself. */
const SECRET_KEYS = new Set(['secret', 'token'])
const EnvRef = z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }).strict()

/**
 * Wraps the site schema so that `secret: { env: NAME }` (and `token: { env: NAME }`) read the
 * secret from the environment before validation. The environment is handed in by the caller
 * (only gateway/main.ts reads process.env); a missing variable is an issue at the field's path.
 */
export function withSecretsFromEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
) {
  return z.preprocess((raw, ctx) => resolve(raw, [], env, ctx), schema)
}

function resolve(
  value: unknown,
  path: (string | number)[],
  env: Readonly<Record<string, string | undefined>>,
  ctx: z.RefinementCtx,
): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolve(v, [...path, i], env, ctx))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    const ref = SECRET_KEYS.has(key) ? EnvRef.safeParse(v) : null
    if (!ref?.success) {
      out[key] = resolve(v, [...path, key], env, ctx)
      continue
    }
    const secret = env[ref.data.env]
    if (secret === undefined || secret === '') {
      ctx.addIssue({
        code: 'custom',
        path: [...path, key],
        message: `environment variable ${ref.data.env} is not set (FGW_ERR_SECRET_ENV)`,
      })
    }
    out[key] = secret ?? ''
  }
  return out
}
