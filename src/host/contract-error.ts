/**
 * How anything the engine or a handler throws crosses the contract: as a ContractError with
 * Kafka's error name where one exists.
 *
 * Must stay true: never throws; KafkaError keeps its Kafka name and message.
 */
import type { ContractError } from '../shared/contract'
import { KafkaError } from '../broker/model/errors'
import { HostError } from './host-error'
import { MessagesError } from './messages/messages-error'

/**
 * Maps anything thrown to the contract's error: KafkaError keeps its Kafka name, a HostError its
 * code (import file problems are INVALID_IMPORT_FILE), message-browser errors keep their code
 * (SEARCH_NOT_FOUND, ...), anything else UNKNOWN_SERVER_ERROR with its message.
 */
export function toContractError(e: unknown): ContractError {
  if (e instanceof KafkaError) return { code: e.code, message: e.message }
  if (e instanceof HostError) return { code: e.code, message: e.message }
  if (e instanceof MessagesError) return { code: e.code, message: e.message }
  if (e instanceof Error) return { code: 'UNKNOWN_SERVER_ERROR', message: e.message || e.name }
  return { code: 'UNKNOWN_SERVER_ERROR', message: String(e) }
}
