// Every error code Firewatch emits, in one place (STYLE.md §3). Devices see these on
// fw/{b}/{d}/error; operators see them in logs and as the `reason` label of counters.
export const ErrorCodes = {
  FGW_ERR_INGEST_NOT_JSON: 'payload is not valid JSON',
  FGW_ERR_INGEST_SCHEMA: 'payload does not match the schema of its topic',
  FGW_ERR_INGEST_UNKNOWN_METRIC: 'metric name is not one of the known metrics',
  FGW_ERR_INGEST_BAD_VALUE: 'metric value is not a finite number',
  FGW_ERR_INGEST_TOO_LARGE: 'payload exceeds the maximum size',
  FGW_ERR_INGEST_DUPLICATE: 'seq was already received from this device',
  FGW_ERR_INGEST_SKEW: 'timestamp is too far from the gateway clock',
  FGW_ERR_TOPIC_UNKNOWN: 'topic is not a Firewatch device topic',
  FGW_ERR_TOPIC_FORBIDDEN: 'client may not publish to this topic',
  FGW_ERR_SUBSCRIBE_FORBIDDEN: 'client may not subscribe to this topic',
  FGW_ERR_AUTH_FAILED: 'unknown client or wrong password',
  FGW_ERR_CONFIG: 'configuration is invalid',
  FGW_ERR_HTTP_VALIDATION: 'request failed validation',
  FGW_ERR_HTTP_UNAUTHORIZED: 'missing or invalid bearer token',
  FGW_ERR_HTTP_NOT_FOUND: 'not found',
  FGW_ERR_ALERT_STORE: 'the alert store could not be opened or written',
  FGW_ERR_HTTP_TOO_LARGE: 'request body exceeds the size limit',
  FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: 'request body is not JSON',
  FGW_ERR_HTTP_INTERNAL: 'internal error; quote the request id',
} as const

export type ErrorCode = keyof typeof ErrorCodes

export class FirewatchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'FirewatchError'
  }
}
