/**
 * ApiError: a failed contract Reply turned into an exception, carrying Kafka's error name.
 * Must stay true: `code` is the contract error's code verbatim (e.g. INVALID_TOPIC_EXCEPTION).
 */
import type { ContractError } from '../../../shared/contract'

/** Thrown by the api client when a reply is `{ ok: false }`. */
export class ApiError extends Error implements ContractError {
  readonly code: string
  constructor(error: ContractError) {
    super(error.message)
    this.name = 'ApiError'
    this.code = error.code
  }
}

/**
 * Turns anything thrown into a ContractError for display: ApiError keeps its code; other errors
 * become UNKNOWN_ERROR with their message.
 */
export function toContractError(e: unknown): ContractError {
  if (e instanceof ApiError) return { code: e.code, message: e.message }
  if (e instanceof Error) return { code: 'UNKNOWN_ERROR', message: e.message }
  return { code: 'UNKNOWN_ERROR', message: String(e) }
}
