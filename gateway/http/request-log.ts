import { type FastifyReply, type FastifyRequest, LogController } from 'fastify'

/**
 * Fastify's per-request log lines at debug instead of info: a wall polling the API and a browser
 * reconnecting its live stream would otherwise bury alerts and notifications in routine lines
 * (README "Configuration", LOG_LEVEL). Failed requests keep fastify's own levels.
 */
export class DebugRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) super.requestCompleted(error, request, reply)
    else if (!this.isLogDisabled(request))
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }

  override routeNotFound(request: FastifyRequest, reply: FastifyReply): void {
    // Through the request serializer (not in the message), so link tokens in the path are redacted.
    if (!this.isLogDisabled(request)) reply.log.debug({ req: request }, 'route not found')
  }

  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    // A browser closing its live stream (a reload, a closed tab) is routine, not news.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      super.streamError(error, request, reply)
    } else if (!this.isLogDisabled(request)) reply.log.debug({ res: reply }, 'stream closed prematurely')
  }
}
