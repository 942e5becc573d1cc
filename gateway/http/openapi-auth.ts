// No imports: every OpenAPI part uses this, and openapi-schemas.ts imports some of them (a cycle).
/**
 * What every authenticated operation may answer besides its own: no or unknown token (401), or the
 * caller's address backing off or locked out after failed logins (429, with Retry-After).
 */
export const AUTH_FAILURES = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '429': { $ref: '#/components/responses/TooManyRequests' },
}
