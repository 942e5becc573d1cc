/**
 * Requests the HTTP routes refuse for a security reason that is not a limit (those are in
 * firewatch_limit_hits_total): the `reason` label of firewatch_http_refused_total.
 */
export const HTTP_REFUSALS = [
  /** A push endpoint whose host is not in PUSH_SERVICE_HOSTS (it would make the gateway POST there). */
  'push_endpoint_host',
  /** A push endpoint registered for a contact the token may not manage. */
  'push_endpoint_taken',
  /** A Twilio status callback that is not form-encoded. */
  'twilio_media_type',
  /** A Twilio status callback whose X-Twilio-Signature does not match. */
  'twilio_signature',
  /** /metrics without an accepted token (METRICS_ACCESS=token). */
  'metrics_token',
] as const
export type HttpRefusal = (typeof HTTP_REFUSALS)[number]

/** Counts one refusal; the gateway wires it to /metrics, tests and tools may leave it out. */
export type CountRefusal = (reason: HttpRefusal) => void

export const countNothing: CountRefusal = () => {}
