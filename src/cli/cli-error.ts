/**
 * The CLI's error kinds and exit codes: 2 for usage (bad arguments, checked before any data is
 * touched), 1 for errors from the engine (Kafka's error names) or the input file.
 *
 * Must stay true: every failure reaches the user as one line naming the problem and the rule.
 */
import type { ContractError } from '../shared/contract'

/** Exit code of a usage error. */
export const EXIT_USAGE = 2
/** Exit code of an engine (Kafka) or input error. */
export const EXIT_FAILURE = 1

/** A failure with the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** A usage error (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

/**
 * The CliError for a failed Reply: INVALID_REQUEST (the shared schemas refused the arguments) is a
 * usage error; anything else is the engine's error, shown with its Kafka name.
 */
export function fromContractError(error: ContractError): CliError {
  if (error.code === 'INVALID_REQUEST') return usageError(error.message.replace(/^Invalid [a-z/]+ request: /, ''))
  return new CliError(`${error.code}: ${error.message}`, EXIT_FAILURE)
}
