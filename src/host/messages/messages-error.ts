/**
 * Errors of the message browser's host side that have no Kafka name: a search or an export id the
 * host does not know (it ended and was forgotten, or the engine restarted), and an export save
 * asked of a host that has no save dialog. They cross the contract with these codes
 * (contract-error.ts).
 */

/** The codes of MessagesError. */
export type MessagesErrorCode = 'SEARCH_NOT_FOUND' | 'EXPORT_NOT_FOUND' | 'EXPORT_SAVE_UNAVAILABLE'

/** A message-browser error with its contract code; `message` says what and why. */
export class MessagesError extends Error {
  constructor(
    readonly code: MessagesErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'MessagesError'
  }
}
