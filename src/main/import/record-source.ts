/**
 * Parses an import file's text into rows: a JSON array, NDJSON (one JSON value a line, blank lines
 * skipped) or CSV (header row, comma-separated, RFC 4180 quoting, parsed by papaparse). Also picks
 * the format from a file name.
 *
 * Must stay true: parse problems raise ImportFormatError naming the format, the line or element,
 * and what was expected; CSV fields stay strings (no type guessing), so values round-trip exactly.
 */
import Papa from 'papaparse'

/** Formats the importer reads. */
export type ImportFormat = 'json' | 'ndjson' | 'csv'

/** A bad import file: the message names the format, where, and the rule. */
export class ImportFormatError extends Error {
  readonly code = 'INVALID_IMPORT_FILE'
  constructor(message: string) {
    super(message)
    this.name = 'ImportFormatError'
  }
}

/**
 * The format implied by a file name's extension: .json, .ndjson / .jsonl, .csv.
 * @returns null when the extension says nothing.
 */
export function formatFromFileName(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase()
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson'
  if (lower.endsWith('.json')) return 'json'
  if (lower.endsWith('.csv')) return 'csv'
  return null
}

/**
 * Parses `content` as `format` into rows (JSON values; CSV rows become objects keyed by header).
 * @throws ImportFormatError on malformed input.
 */
export function parseRecordSource(content: string, format: ImportFormat): unknown[] {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content
  switch (format) {
    case 'json': {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (e) {
        throw new ImportFormatError(`Not valid JSON: ${(e as Error).message}`)
      }
      if (!Array.isArray(parsed))
        throw new ImportFormatError(`A JSON import file must hold an array of records, got ${typeof parsed}`)
      return parsed
    }
    case 'ndjson': {
      const rows: unknown[] = []
      const lines = text.split(/\r?\n/)
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim()
        if (line === '') continue
        try {
          rows.push(JSON.parse(line))
        } catch (e) {
          throw new ImportFormatError(`NDJSON line ${i + 1} is not valid JSON: ${(e as Error).message}`)
        }
      }
      return rows
    }
    case 'csv': {
      const result = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true, dynamicTyping: false })
      const fatal = result.errors.find((e) => e.type !== 'Delimiter')
      if (fatal)
        throw new ImportFormatError(
          `CSV row ${fatal.row !== undefined ? fatal.row + 2 : '?'}: ${fatal.message} (the first line must be a header row)`
        )
      return result.data
    }
  }
}
