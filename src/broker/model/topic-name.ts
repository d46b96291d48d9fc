/**
 * Kafka's topic name rule, the one copy of it: the engine enforces it (validateTopicName), the
 * contract's schemas check requests with it and the UI checks as the user types (topicNameProblem,
 * through src/shared/contract). Source: org.apache.kafka.common.internals.Topic.validate: 1 to 249
 * characters of [a-zA-Z0-9._-], and neither "." nor "..".
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports); the messages are
 * Kafka's (InvalidTopicException), so the UI, the contract and the engine say the same thing.
 */
import { KafkaError } from './errors'

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

/**
 * Throws unless `name` is a legal topic name (as Kafka's Topic.validate does on CreateTopics).
 * @throws KafkaError INVALID_TOPIC_EXCEPTION with topicNameProblem's message, or for a non-string.
 */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string') throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name must be a string')
  const problem = topicNameProblem(name)
  if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', problem)
}
