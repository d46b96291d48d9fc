/**
 * ImportFormatError: an import file that cannot be imported as it is (malformed, over a bound, a
 * row without the key or timestamp field, an unknown extension). It crosses the contract as
 * INVALID_IMPORT_FILE.
 *
 * Must stay true: the message names the format or row (line, row or element, 1-based) and the rule.
 */
import { HostError } from '../host-error'

/** A bad import file: the message names the format, where, and the rule. */
export class ImportFormatError extends HostError {
  declare readonly code: 'INVALID_IMPORT_FILE'
  constructor(message: string) {
    super('INVALID_IMPORT_FILE', message)
    this.name = 'ImportFormatError'
  }
}
