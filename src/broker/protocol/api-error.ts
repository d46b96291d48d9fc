/**
 * What a handler answers for an error thrown by the engine: Kafka's error code and message
 * (KafkaError carries both; anything else is UNKNOWN_SERVER_ERROR with its message), as Kafka's
 * ApiError.fromThrowable turns an exception into a per-resource error of a batched response.
 *
 * Must stay true: a KafkaError keeps its code and message; no other error is ever reported as a
 * specific Kafka error.
 */
import { KAFKA_ERROR_CODES, KafkaError } from '../model/errors'

/** A per-resource error of a batched admin response. */
export interface ApiErrorAnswer {
  errorCode: number
  errorMessage: string
}

/** The code and message of `e` (UNKNOWN_SERVER_ERROR for an error that is not a KafkaError). */
export function apiErrorOf(e: unknown): ApiErrorAnswer {
  if (e instanceof KafkaError) return { errorCode: e.errorCode, errorMessage: e.message }
  return { errorCode: KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR, errorMessage: e instanceof Error ? e.message : String(e) }
}
