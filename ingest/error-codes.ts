// Every error code Firewatch emits, in one place (docs/protocol.md, "Error codes"). Devices see these on
// fw/{b}/{d}/error; operators see them in logs and as the `reason` label of counters.
export const ErrorCodes = {
  FGW_ERR_INGEST_NOT_JSON: 'payload is not valid JSON',
  FGW_ERR_INGEST_SCHEMA: 'payload does not match the schema of its topic',
  FGW_ERR_INGEST_UNKNOWN_METRIC: 'metric name is not one of the known metrics',
  FGW_ERR_INGEST_BAD_VALUE: 'metric value is not a finite number',
  FGW_ERR_INGEST_TOO_LARGE: 'payload exceeds the maximum size',
  FGW_ERR_INGEST_TOO_DEEP: 'payload JSON nests arrays or objects deeper than 8 levels',
  FGW_ERR_INGEST_FAILED:
    'the gateway failed on this message; it was dropped and counted, the connection stays up',
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
  FGW_ERR_HTTP_FORBIDDEN: "this token's role may not do this",
  FGW_ERR_ALERT_STORE: 'the alert store could not be opened or written',
  FGW_ERR_HTTP_TOO_LARGE: 'request body exceeds the size limit',
  FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE: 'request body is not JSON',
  FGW_ERR_HTTP_INTERNAL: 'internal error; quote the request id',
  FGW_ERR_STORAGE_WRITE: 'the readings store could not take a batch; it was spooled',
  FGW_ERR_STORAGE_REJECTED: 'the readings store refused a batch for good; it went to the dead-letter file',
  FGW_ERR_STORAGE_SPOOL_FULL: 'the readings spool is full; readings were dropped',
  FGW_ERR_STORAGE_QUERY: 'the readings store did not answer a history query',
  FGW_ERR_STORAGE_WRITER:
    'the readings writer thread died; its unanswered batches were spooled and it is restarted',
  FGW_ERR_CHANNEL_VAPID_KEYS: 'the VAPID key file in DATA_DIR could not be read or created',
  FGW_ERR_CHANNEL_PROVIDER_RETRY: 'the notification provider failed for now; the job will be retried',
  FGW_ERR_CHANNEL_PROVIDER_REJECTED: 'the notification provider refused the message for good',
  FGW_ERR_NOTIFY_KEY: 'the acknowledgement-link key in DATA_DIR could not be read or created',
  FGW_ERR_NOTIFY_SEND: 'a notification channel failed unexpectedly; the job is retried',
  FGW_ERR_ACK_LINK_INVALID: 'the acknowledgement link is not valid',
  FGW_ERR_ACK_LINK_EXPIRED: 'the acknowledgement link has expired',
  FGW_ERR_ACK_LINK_SPENT: 'the acknowledgement link was already used',
  FGW_ERR_TWILIO_SIGNATURE: 'the X-Twilio-Signature does not match the callback URL and parameters',
  FGW_ERR_TWILIO_MEDIA_TYPE: 'Twilio status callbacks are application/x-www-form-urlencoded',
  FGW_ERR_PUSH_CONTACT: 'the contact is unknown, not linked to this token, or has no push channel',
  FGW_ERR_PUSH_UNAVAILABLE: 'Web Push is not configured on this gateway',
  FGW_ERR_PUSH_ENDPOINT_TAKEN:
    'this push endpoint is registered for a contact this token may not manage; it must be removed there first',
  FGW_ERR_LIMIT_PACKET_SIZE: 'MQTT packet exceeds MQTT_MAX_PACKET_BYTES; the connection is closed',
  FGW_ERR_LIMIT_TOPIC: 'topic exceeds MQTT_MAX_TOPIC_LENGTH or MQTT_MAX_TOPIC_LEVELS',
  FGW_ERR_LIMIT_PUBLISH_RATE: 'too many publishes per second from this client or address; message dropped',
  FGW_ERR_LIMIT_PUBLISH_SLOWED:
    'publishing faster than this client or address may: messages are held back (PUBACKs come later), none is lost',
  FGW_ERR_LIMIT_CONNECT_RATE: 'too many connects from this client or address; CONNACK 3',
  FGW_ERR_LIMIT_LOGIN_LOCKOUT: 'too many failed logins; CONNACK 3 until the lockout ends',
  FGW_ERR_LIMIT_DUPLICATE_LOGIN: 'the device is already connected (MQTT_DUPLICATE_LOGIN)',
  FGW_ERR_LIMIT_CLIENT_ID:
    "the client id is in another login's namespace, or held by another login's connection or session; CONNACK 2",
  FGW_ERR_LIMIT_INFLIGHT:
    'too many QoS 2 publishes awaiting PUBREL (MQTT_MAX_INFLIGHT_INBOUND); the connection is closed',
  FGW_ERR_LIMIT_SUBSCRIPTIONS:
    'too many subscriptions on this connection (MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT); SUBACK 0x80',
  FGW_ERR_LIMIT_SESSIONS: 'no room for another persistent session (MQTT_MAX_PERSISTENT_SESSIONS); CONNACK 3',
  FGW_ERR_LIMIT_EVENT_RATE:
    'too many events from this device (MQTT_EVENTS_PER_MIN_PER_DEVICE); event dropped',
  FGW_ERR_LIMIT_FIRE_ALARM_REPEAT:
    'fire_alarm repeated faster than MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE; the repeat is dropped, the alarm already went in',
  FGW_ERR_LIMIT_STATUS_RATE:
    'too many status messages from this device (MQTT_STATUS_PER_MIN_PER_DEVICE); dropped',
  FGW_ERR_HTTP_RATE_LIMITED: 'too many requests from this address; retry after the Retry-After delay',
  FGW_ERR_HTTP_CORS: 'cross-origin requests from this origin are not allowed (CORS_ORIGINS)',
  FGW_ERR_LIMIT_CONNECTIONS:
    'too many open connections or live streams from this address (429) or in all (503); retry after the Retry-After delay',
  FGW_ERR_SECRET_ENV: 'a secret refers to an environment variable that is not set',
  FGW_ERR_UITD_CHECKSUM: 'GB/T 26875.3 frame checksum is wrong; the UITD is denied (command 6)',
  FGW_ERR_UITD_FRAME:
    'GB/T 26875.3 bytes that are no frame: garbage, wrong end marker, over UITD_MAX_FRAME_BYTES or cut short',
  FGW_ERR_UITD_UNKNOWN_COMMAND: 'GB/T 26875.3 command byte is reserved or user-defined; the UITD is denied',
  FGW_ERR_UITD_DATA_UNIT: 'GB/T 26875.3 application data unit does not add up; the UITD is denied',
  FGW_ERR_UITD_UNKNOWN_TYPE: 'GB/T 26875.3 data unit type Firewatch does not take; the UITD is denied',
  FGW_ERR_UITD_UNEXPECTED: 'a UITD sent a command or data type only a monitoring centre sends; it is denied',
  FGW_ERR_UITD_NOT_ALLOWED: 'UITD source address is not in the site; denied and disconnected',
  FGW_ERR_UITD_ADDRESS_CHANGED: 'a UITD connection changed its source address; denied and disconnected',
  FGW_ERR_UITD_SINK: 'a UITD frame could not be handed on; the UITD is denied and will retransmit',
  FGW_ERR_UITD_CONNECTIONS: 'UITD_MAX_CONNECTIONS reached; the connection is closed',
  FGW_ERR_REGISTER_STORE: 'the hazard register (DATA_DIR/register.db) could not be opened or written',
  FGW_ERR_HAZARD_STATE: 'the hazard is not in a state that allows this step',
  FGW_ERR_HAZARD_SELF_VERIFY:
    'a hazard is verified by someone other than its responsible person and whoever reported it rectified',
  FGW_ERR_HAZARD_NOT_VERIFIED:
    'the linked devices have not held normal for the configured time yet; see the verification evidence',
  FGW_ERR_HAZARD_EVIDENCE_TYPE: 'evidence photos are JPEG, PNG or WebP, checked by their first bytes',
  FGW_ERR_HAZARD_EVIDENCE_FULL: 'this hazard already holds EVIDENCE_MAX_FILES_PER_HAZARD photos',
  FGW_ERR_REPORT_PDF: 'the PDF could not be printed: REPORT_PDF_BROWSER is off, missing or failed',
  FGW_ERR_REPORT_LINK: 'the report link is not valid or has expired',
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
