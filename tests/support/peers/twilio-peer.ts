// A local stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{Sid}/Messages.json):
// checks Basic auth, path and form fields as Twilio does, answers with Twilio's JSON shapes,
// follows a script of failures, and posts status callbacks signed the documented way.
import { createHmac, randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type PeerRequest, sendJson, startHttpPeer } from './http-peer.ts'

export interface TwilioPeerOptions {
  accountSid: string
  authToken: string
  /** The sender number (or Messaging Service SID) the account owns. */
  from: string
}

/** One scripted answer, used before the peer goes back to accepting messages. */
export interface TwilioStep {
  status: number
  /** Twilio error code in the JSON body, e.g. 21610. */
  code?: number
  retryAfter?: string
}

export interface TwilioMessage {
  sid: string
  to: string
  from: string
  body: string
  statusCallback: string | null
}

export interface TwilioPeer {
  baseUrl: string
  /** Every request, with the status it was answered with. */
  requests: Array<{ path: string; form: Record<string, string>; status: number }>
  /** Messages accepted (201). */
  messages: TwilioMessage[]
  script(...steps: TwilioStep[]): void
  /**
   * For the next accepted message: post these status callbacks, one after the other, before
   * answering the send (a callback overtaking the API's answer). `via` maps the callback URL to
   * where it is posted (a reverse proxy in front of the gateway); it is signed for the URL itself.
   */
  reportBeforeAnswer(statuses: string[], via?: (url: string) => string, errorCode?: string): void
  /** The SID of the next accepted message (a message the test already knows of). */
  useSid(sid: string): void
  /** HTTP statuses the gateway answered those early callbacks with, in order. */
  earlyCallbackAnswers: number[]
  /** Posts a delivery status to the message's StatusCallback, signed with `authToken` (default: the account's). */
  sendStatusCallback(sid: string, status: string, authToken?: string): Promise<number>
  close(): Promise<void>
}

const E164 = /^\+[1-9]\d{6,14}$/

interface EarlyReports {
  statuses: string[]
  via: (url: string) => string
  errorCode: string | undefined
}

interface TwilioState {
  steps: TwilioStep[]
  early: EarlyReports | null
  earlyAnswers: number[]
  nextSid: string | null
  requests: TwilioPeer['requests']
  messages: TwilioMessage[]
}

export async function startTwilioPeer(options: TwilioPeerOptions): Promise<TwilioPeer> {
  const state: TwilioState = {
    steps: [],
    early: null,
    earlyAnswers: [],
    nextSid: null,
    requests: [],
    messages: [],
  }
  const peer = await startHttpPeer(twilioHandler(options, state))
  return {
    baseUrl: peer.origin,
    requests: state.requests,
    messages: state.messages,
    script: (...more) => state.steps.push(...more),
    reportBeforeAnswer: (statuses, via = (url) => url, errorCode) => {
      state.early = { statuses, via, errorCode }
    },
    earlyCallbackAnswers: state.earlyAnswers,
    useSid: (sid) => {
      state.nextSid = sid
    },
    sendStatusCallback: (sid, status, authToken = options.authToken) => {
      const message = state.messages.find((m) => m.sid === sid)
      if (!message?.statusCallback) throw new Error(`no status callback for ${sid}`)
      return postCallback(message, status, { ...options, authToken })
    },
    close: peer.close,
  }
}

function twilioHandler(options: TwilioPeerOptions, state: TwilioState) {
  return async (req: PeerRequest, res: ServerResponse) => {
    const form = Object.fromEntries(new URLSearchParams(req.body.toString('utf8')))
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      state.requests.push({ path: req.url, form, status })
      sendJson(res, status, body, headers)
    }
    const error = (status: number, code: number, message: string, headers: Record<string, string> = {}) => {
      const more_info = `https://www.twilio.com/docs/errors/${code}`
      answer(status, { code, message, more_info, status }, headers)
    }
    const refused = refusalOf(req, form, options)
    if (refused) return error(...refused)
    const step = state.steps.shift()
    if (step) {
      const headers: Record<string, string> = step.retryAfter ? { 'retry-after': step.retryAfter } : {}
      return error(step.status, step.code ?? step.status * 100, `scripted ${step.status}`, headers)
    }
    const message: TwilioMessage = {
      sid: state.nextSid ?? `SM${randomBytes(16).toString('hex')}`,
      to: form.To!,
      from: options.from,
      body: form.Body!,
      statusCallback: form.StatusCallback ?? null,
    }
    const early = state.early
    state.early = null
    state.nextSid = null
    for (const status of early?.statuses ?? []) {
      const target = early!.via(message.statusCallback!)
      const extra: Record<string, string> = early!.errorCode ? { ErrorCode: early!.errorCode } : {}
      state.earlyAnswers.push(await postCallback(message, status, options, { target, extra }))
    }
    // Listed once answered: a test that waits for the message sees the early callbacks done.
    state.messages.push(message)
    const { sid, to, from, body } = message
    answer(201, { sid, status: 'queued', to, from, body })
  }
}

/** Twilio's own checks, in its order, as [HTTP status, Twilio code, message]. */
function refusalOf(
  req: PeerRequest,
  form: Record<string, string>,
  options: TwilioPeerOptions,
): [number, number, string] | null {
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`
  const path = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`
  if (req.method !== 'POST' || req.url !== path) return [404, 20404, 'The requested resource was not found']
  if (req.headers.authorization !== expectedAuth) return [401, 20003, 'Authenticate']
  if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    return [415, 20415, 'Unsupported media type']
  }
  const sender = form.From ?? form.MessagingServiceSid
  if (sender !== options.from)
    return [400, 21606, `The From phone number ${sender} is not owned by the account`]
  if (!form.To || !E164.test(form.To))
    return [400, 21211, `The 'To' number ${form.To} is not a valid phone number.`]
  if (!form.Body) return [400, 21602, 'Message body is required.']
  if (form.Body.length > 1600)
    return [400, 21617, 'The concatenated message body exceeds the 1600 character limit.']
  return null
}

async function postCallback(
  message: TwilioMessage,
  status: string,
  account: { accountSid: string; authToken: string },
  options: { target?: string; extra?: Record<string, string> } = {},
) {
  // In the order Twilio sends them, which is not alphabetical: the signature must sort.
  const params: Record<string, string> = {
    SmsSid: message.sid,
    SmsStatus: status,
    MessageStatus: status,
    To: message.to,
    MessageSid: message.sid,
    AccountSid: account.accountSid,
    From: message.from,
    ApiVersion: '2010-04-01',
    ...options.extra,
  }
  const url = message.statusCallback!
  const response = await fetch(options.target ?? url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signLikeTwilio(account.authToken, url, params),
    },
    body: new URLSearchParams(params),
  })
  await response.arrayBuffer()
  return response.status
}

/**
 * Written here from Twilio's documentation, independently of the gateway's code: the URL, then
 * each POST parameter in alphabetical order of its name, name and value with no delimiter;
 * HMAC-SHA1 with the auth token as key; base64.
 */
export function signLikeTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const names = Object.keys(params).sort()
  const data = url + names.map((name) => `${name}${params[name]}`).join('')
  return createHmac('sha1', authToken).update(data).digest('base64')
}
