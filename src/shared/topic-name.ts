/**
 * Kafka's topic name rule, shared by the engine (which enforces it) and the UI (which checks as the
 * user types). Source: org.apache.kafka.common.internals.Topic.validate: 1 to 249 characters of
 * [a-zA-Z0-9._-], and neither "." nor "..".
 */

/** Longest legal topic name, in characters (Kafka: Topic.MAX_NAME_LENGTH = 249). */
export const TOPIC_NAME_MAX_LENGTH = 249

const LEGAL = /^[a-zA-Z0-9._-]+$/

/**
 * Checks a topic name against Kafka's rule.
 * @returns null when legal, otherwise a message naming the problem and the rule.
 */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty'
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > TOPIC_NAME_MAX_LENGTH)
    return `Topic name is illegal, it can't be longer than ${TOPIC_NAME_MAX_LENGTH} characters, topic name: ${name.slice(0, 40)}…`
  if (!LEGAL.test(name))
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}
