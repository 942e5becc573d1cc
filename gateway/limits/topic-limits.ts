import type { Problem } from '../../ingest/decoder.ts'

export interface TopicLimitOptions {
  maxLength: number
  maxLevels: number
}

/** Topic length and depth, checked before any ACL or parsing work on the topic. */
export function topicProblem(topic: string, opts: TopicLimitOptions): Problem | null {
  if (topic.length > opts.maxLength) {
    return {
      code: 'FGW_ERR_LIMIT_TOPIC',
      detail: `topic of ${topic.length} characters, at most ${opts.maxLength}`,
    }
  }
  let levels = 1
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) levels++
  if (levels > opts.maxLevels) {
    return { code: 'FGW_ERR_LIMIT_TOPIC', detail: `topic of ${levels} levels, at most ${opts.maxLevels}` }
  }
  return null
}

/** A topic short enough to echo back in an error answer. */
export function shortTopic(topic: string): string {
  return topic.length <= 80 ? topic : `${topic.slice(0, 80)}…`
}
