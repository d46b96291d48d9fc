/**
 * The formats an import file may have (`brokerlab import`, the import view), the file-name
 * extensions that name them, and the message for a file whose extension names none, shared by the
 * host (the CLI, import/inspect) and the renderer (before a file is uploaded).
 *
 * Must stay true: Node-free and pure (compiled for both sides); an extension outside the list gives
 * no format (null): a file is never read as a format it was not named or asked to be.
 */

/** Formats the importer reads. */
export const IMPORT_FORMATS = ['json', 'ndjson', 'csv', 'parquet'] as const

/** One of IMPORT_FORMATS. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** Extensions per format, lower case, as the messages list them. */
export const IMPORT_EXTENSIONS: Record<ImportFormat, readonly string[]> = {
  json: ['.json'],
  ndjson: ['.ndjson', '.jsonl'],
  csv: ['.csv'],
  parquet: ['.parquet']
}

/** How the UI names each format. */
export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = {
  json: 'JSON array',
  ndjson: 'NDJSON',
  csv: 'CSV',
  parquet: 'Parquet'
}

/**
 * The format a file name's extension names (case-insensitive): .json, .ndjson / .jsonl, .csv, .parquet.
 * @returns null for any other extension, or none.
 */
export function formatFromFileName(fileName: string): ImportFormat | null {
  const lower = fileName.toLowerCase()
  for (const format of IMPORT_FORMATS) if (IMPORT_EXTENSIONS[format].some((ext) => lower.endsWith(ext))) return format
  return null
}

/**
 * Why a file whose extension names no format is refused, naming the formats, their extensions and
 * how to say the format: `--format` on the command line (`how: 'cli'`), the Format choice in the UI.
 */
export function unknownFormatMessage(fileName: string, how: 'cli' | 'ui'): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName
  const dot = base.lastIndexOf('.')
  const ext = dot > 0 ? `its extension ${base.slice(dot)}` : 'a name without an extension'
  const known = IMPORT_FORMATS.map((f) => `${f} (${IMPORT_EXTENSIONS[f].join(', ')})`).join(', ')
  const say = how === 'cli' ? `pass --format ${IMPORT_FORMATS.join('|')}` : 'choose the format'
  return `Cannot tell the format of ${base} from ${ext}: the formats are ${known}; ${say} to import it as one of them.`
}
