/**
 * `brokerlab import FILE --topic T [--key-field F] [--timestamp-field F ...] [--partitions N
 * --replication-factor R]`: imports a JSON array, NDJSON, CSV or Parquet file (format from --format
 * or the extension; any other extension is refused, naming the formats) into a topic, creating it
 * when missing and partitions are given. Each record's value is the source record's bytes (a JSON
 * element's or NDJSON line's text as it is; a CSV row or Parquet row as a JSON object), its key the
 * key field's text, its timestamp the timestamp field's time (else CreateTime now); produced in
 * batches with acks=all. A progress bar on stderr when it is a terminal; a summary at the end.
 *
 * Must stay true: the file is read and checked in full (every row within the readers' bounds, every
 * row holding the key and timestamp fields, every timestamp a time in the format), and the
 * arguments validated, before the data directory is opened, so a bad file or argument leaves the
 * data untouched. The file is read twice (a checking pass that counts the rows, then the import),
 * so memory stays bounded by a chunk (a Parquet slice) and a batch whatever the file's size.
 */
import { access, constants } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { ImportTimestamp } from '../../shared/contract'
import { formatFromFileName, IMPORT_FORMATS, unknownFormatMessage, type ImportFormat } from '../../shared/import-format'
import { checkImportFile } from '../../host/import/import-job'
import { readRecordRows } from '../../host/import/record-source'
import { timestampSpecProblem } from '../../host/import/record-timestamp'
import { toContractError } from '../../host/engine-service'
import { intArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { ProgressBar } from '../progress-bar'
import { formatCount } from '../table'
import { addDataDir, type DataDirOpts } from './data-dir-option'

function formatArg(value: string): ImportFormat {
  if ((IMPORT_FORMATS as readonly string[]).includes(value)) return value as ImportFormat
  throw new InvalidArgumentError(`--format must be ${IMPORT_FORMATS.join(', ')}, got "${value}".`)
}

const TIMESTAMP_FORMATS = ['iso', 'epoch-ms', 'epoch-s'] as const

function timestampFormatArg(value: string): (typeof TIMESTAMP_FORMATS)[number] {
  if ((TIMESTAMP_FORMATS as readonly string[]).includes(value)) return value as (typeof TIMESTAMP_FORMATS)[number]
  throw new InvalidArgumentError(`--timestamp-format must be ${TIMESTAMP_FORMATS.join(', ')} (or give --timestamp-pattern), got "${value}".`)
}

interface ImportOpts extends DataDirOpts {
  topic: string
  keyField?: string
  timestampField?: string
  timestampFormat?: (typeof TIMESTAMP_FORMATS)[number]
  timestampPattern?: string
  timeZone?: string
  csvTyped?: boolean
  partitions?: number
  replicationFactor?: number
  format?: ImportFormat
  batchSize: number
  json?: boolean
}

/** The timestamp rule the options ask for. @throws CliError (usage) naming what is missing or contradictory. */
function timestampSpec(o: ImportOpts): ImportTimestamp | undefined {
  if (o.timestampField === undefined) {
    if (o.timestampFormat || o.timestampPattern || o.timeZone) throw usageError('--timestamp-format, --timestamp-pattern and --time-zone go with --timestamp-field <field>.')
    return undefined
  }
  if (o.timestampFormat && o.timestampPattern) throw usageError('Give --timestamp-format or --timestamp-pattern, not both.')
  const spec: ImportTimestamp = {
    field: o.timestampField,
    format: o.timestampPattern ? 'pattern' : (o.timestampFormat ?? 'iso'),
    ...(o.timestampPattern ? { pattern: o.timestampPattern } : {}),
    ...(o.timeZone ? { timeZone: o.timeZone } : {})
  }
  const problem = timestampSpecProblem(spec)
  if (problem) throw usageError(`--timestamp-field: ${problem}.`)
  return spec
}

/** Registers `import`. */
export function registerImportCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('import <file>')
      .description('Import a JSON array, NDJSON, CSV or Parquet file into a topic (each record as the file holds it)')
      .requiredOption('--topic <topic>', 'topic to import into')
      .option('--key-field <field>', 'field whose value becomes the record key (else keys are null)')
      .option('--timestamp-field <field>', "field holding each record's timestamp (else CreateTime now)")
      .option('--timestamp-format <format>', 'iso (ISO 8601, the default), epoch-ms or epoch-s', timestampFormatArg)
      .option('--timestamp-pattern <pattern>', 'the timestamp field is text in this date pattern, e.g. "yyyy/MM/dd HH:mm"')
      .option('--time-zone <zone>', 'IANA time zone of timestamps without an offset (default: this machine\'s)')
      .option('--csv-typed', 'CSV: numbers, true/false and empty fields become JSON numbers, booleans and null (default: every field a string)')
      .option('--partitions <n>', 'create the topic with n partitions when it does not exist', intArg('--partitions'))
      .option('--replication-factor <r>', 'replication factor when creating the topic (default 1)', intArg('--replication-factor'))
      .option('--format <format>', `${IMPORT_FORMATS.join(', ')} (default: from the file extension)`, formatArg)
      .option('--batch-size <n>', 'records per produce request', intArg('--batch-size'), 1000)
      .option('--json', 'print the summary as JSON'),
    io
  ).action(async (file: string, opts: ImportOpts) => {
    const path = resolve(file)
    const format = opts.format ?? formatFromFileName(path)
    if (!format) throw usageError(unknownFormatMessage(file, 'cli'))
    if (opts.csvTyped && format !== 'csv') throw usageError(`--csv-typed applies to CSV files; ${file} is read as ${format}.`)
    if (opts.batchSize < 1 || opts.batchSize > 100_000) throw usageError('--batch-size must be from 1 to 100000.')
    const timestamp = timestampSpec(opts)
    validated('offsets/list', { topic: opts.topic })
    const createTopic =
      opts.partitions !== undefined || opts.replicationFactor !== undefined
        ? validated('topic/create', {
            topic: opts.topic,
            partitions: opts.partitions ?? 1,
            replicationFactor: opts.replicationFactor ?? 1
          })
        : undefined
    const spec = { input: { path }, format, keyField: opts.keyField ?? null, timestamp, csvTypedColumns: opts.csvTyped ?? false }
    let total = 0
    try {
      await access(path, constants.R_OK)
      // Checking pass: the whole file parses within the row bounds, every row has the key and timestamp fields.
      total = await checkImportFile(spec)
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      throw new CliError(err.code && err.syscall ? `Cannot read ${file}: ${err.message}` : `${file}: ${err.message}`, EXIT_FAILURE)
    }
    await withEngine(io, opts.dataDir, async (s) => {
      const existing = s.partitionCount(opts.topic)
      if (existing !== null && createTopic && existing !== createTopic.partitions)
        io.stderr.write(`Note: topic ${opts.topic} already exists with ${existing} partitions; importing into it as it is.\n`)
      const bar = new ProgressBar(io.stderr, `Importing into ${opts.topic}`)
      try {
        const res = await s.importRecords({
          topic: opts.topic,
          rows: readRecordRows(spec.input, format, spec),
          total,
          keyField: spec.keyField,
          timestamp,
          createTopic: createTopic
            ? { partitions: createTopic.partitions, replicationFactor: createTopic.replicationFactor }
            : undefined,
          batchSize: opts.batchSize,
          onProgress: (done, total) => bar.update(done, total)
        })
        bar.done()
        if (opts.json) return printJson(io, res)
        const parts = Object.entries(res.perPartition)
          .sort((a, b) => Number(a[0]) - Number(b[0]))
          .map(([p, n]) => `${p}: ${formatCount(n)}`)
          .join('; ')
        io.stdout.write(
          `Imported ${formatCount(res.imported)} records into ${opts.topic} in ${formatCount(res.elapsedMs)} ms (per partition: ${parts}).\n`
        )
      } catch (e) {
        bar.done()
        const err = toContractError(e)
        throw new CliError(`${err.code}: ${err.message}`, EXIT_FAILURE)
      }
    })
  })
}
