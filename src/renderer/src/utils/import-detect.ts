/**
 * Detects an import file's format (JSON array, NDJSON, CSV) and the fields its records have, so the
 * import view can offer them as the key field. Parsing here only samples the start of the file; the
 * host parses the whole file again when importing.
 * Must stay true: pure; never throws; a file that is none of the three formats gives an error text.
 */
import Papa from 'papaparse'

export type ImportFormat = 'json' | 'ndjson' | 'csv'

export interface DetectedImport {
  format: ImportFormat
  /** Field names in first-seen order, from the first `sample` records. */
  fields: string[]
  /** Records counted (JSON array, NDJSON lines, CSV rows); for JSON arrays exact. */
  records: number
}

function fieldsOf(objects: unknown[], sample: number): string[] {
  const seen = new Set<string>()
  for (const o of objects.slice(0, sample)) {
    if (o && typeof o === 'object' && !Array.isArray(o)) for (const k of Object.keys(o)) seen.add(k)
  }
  return [...seen]
}

/**
 * Detects format and fields.
 * @param fileName used for the extension hint (.json, .ndjson/.jsonl, .csv)
 * @param content the file as text
 * @returns the detection, or `{ error }` naming why the file is not importable
 */
export function detectImport(fileName: string, content: string, sample = 200): DetectedImport | { error: string } {
  const ext = fileName.toLowerCase().split('.').pop() ?? ''
  const trimmed = content.trimStart()
  if (trimmed.length === 0) return { error: 'The file is empty' }
  if (ext === 'csv' || (!trimmed.startsWith('[') && !trimmed.startsWith('{'))) {
    const parsed = Papa.parse<Record<string, string>>(content, { header: true, skipEmptyLines: true })
    const fields = parsed.meta.fields ?? []
    if (fields.length === 0) return { error: 'CSV without a header row' }
    return { format: 'csv', fields, records: parsed.data.length }
  }
  if (trimmed.startsWith('[')) {
    try {
      const arr = JSON.parse(content) as unknown
      if (!Array.isArray(arr)) return { error: 'JSON is not an array of records' }
      return { format: 'json', fields: fieldsOf(arr, sample), records: arr.length }
    } catch (e) {
      return { error: `Not valid JSON: ${(e as Error).message}` }
    }
  }
  const lines = content.split(/\r?\n/).filter((l) => l.trim().length > 0)
  const objects: unknown[] = []
  for (const [i, line] of lines.slice(0, sample).entries()) {
    try {
      objects.push(JSON.parse(line))
    } catch (e) {
      return { error: `NDJSON line ${i + 1} is not valid JSON: ${(e as Error).message}` }
    }
  }
  return { format: 'ndjson', fields: fieldsOf(objects, sample), records: lines.length }
}
