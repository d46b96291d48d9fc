/**
 * HostError: an error the host layer raises itself (not the engine), carrying the contract error
 * code it crosses the contract with: a bad import file (INVALID_IMPORT_FILE), an unknown upload
 * (UNKNOWN_IMPORT_UPLOAD), a group reset refused while the group is active (NON_EMPTY_GROUP, Kafka's
 * error name). contract-error.ts maps it to `{ code, message }` as it is.
 *
 * Must stay true: `code` is an upper-case error name (Kafka's where one exists); the message names
 * the problem and the rule.
 */

/** An error of the host layer with the contract code it is reported as. */
export class HostError extends Error {
  /**
   * @param code the contract error code, e.g. 'INVALID_IMPORT_FILE' or Kafka's 'NON_EMPTY_GROUP'
   * @param message what is wrong and which rule applies
   */
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'HostError'
  }
}
