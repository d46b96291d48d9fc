/**
 * `brokerlab import FILE --topic T --key-field F [--partitions N --replication-factor R]`: imports
 * a JSON array, NDJSON or CSV file (format from --format or the extension) into a topic, creating
 * it when missing and partitions are given; records are keyed by the key field and produced in
 * batches with acks=all. A progress bar on stderr when it is a terminal; a summary at the end.
 *
 * Must stay true: the file is read and parsed in full (every row within the readers' bounds, every
 * row holding the key field), and the arguments validated, before the data directory is opened, so
 * a bad file or argument leaves the data untouched. The file is read as a
 * stream twice (a checking pass that counts the rows, then the import), so memory stays bounded by a
 * chunk and a batch whatever the file's size.
 */
import { createReadStream } from 'node:fs'
import { access, constants } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { checkRow, importRecords } from '../../host/import/importer'
import { formatFromFileName, readRecordRows, type ImportFormat } from '../../host/import/record-source'
import { toContractError } from '../../host/engine-service'
import { intArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { ProgressBar } from '../progress-bar'
import { addDataDir, type DataDirOpts } from './data-dir-option'

function formatArg(value: string): ImportFormat {
  if (value === 'json' || value === 'ndjson' || value === 'csv') return value
  throw new InvalidArgumentError(`--format must be json, ndjson or csv, got "${value}".`)
}

interface ImportOpts extends DataDirOpts {
  topic: string
  keyField?: string
  partitions?: number
  replicationFactor?: number
  format?: ImportFormat
  batchSize: number
  json?: boolean
}

/** Registers `import`. */
export function registerImportCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('import <file>')
      .description('Import a JSON array, NDJSON or CSV file into a topic')
      .requiredOption('--topic <topic>', 'topic to import into')
      .option('--key-field <field>', 'field whose value becomes the record key (else keys are null)')
      .option('--partitions <n>', 'create the topic with n partitions when it does not exist', intArg('--partitions'))
      .option('--replication-factor <r>', 'replication factor when creating the topic (default 1)', intArg('--replication-factor'))
      .option('--format <format>', 'json, ndjson or csv (default: from the file extension)', formatArg)
      .option('--batch-size <n>', 'records per produce request', intArg('--batch-size'), 1000)
      .option('--json', 'print the summary as JSON'),
    io
  ).action(async (file: string, opts: ImportOpts) => {
    const path = resolve(file)
    const format = opts.format ?? formatFromFileName(path)
    if (!format) throw usageError(`Cannot tell the format of ${file} from its extension; pass --format json|ndjson|csv.`)
    if (opts.batchSize < 1 || opts.batchSize > 100_000) throw usageError('--batch-size must be from 1 to 100000.')
    validated('offsets/list', { topic: opts.topic })
    const createTopic =
      opts.partitions !== undefined || opts.replicationFactor !== undefined
        ? validated('topic/create', {
            topic: opts.topic,
            partitions: opts.partitions ?? 1,
            replicationFactor: opts.replicationFactor ?? 1
          })
        : undefined
    const rowsOf = (): AsyncGenerator<unknown, void, void> => readRecordRows(createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), format)
    let total = 0
    try {
      await access(path, constants.R_OK)
      // Checking pass: the whole file parses within the row bounds, and every row has the key field.
      for await (const row of rowsOf()) checkRow(row, ++total, opts.keyField ?? null)
    } catch (e) {
      const err = e as NodeJS.ErrnoException
      throw new CliError(err.code && err.syscall ? `Cannot read ${file}: ${err.message}` : `${file}: ${err.message}`, EXIT_FAILURE)
    }
    await withEngine(io, opts.dataDir, async (s) => {
      const existing = s.cluster.listTopics({ includeInternal: true }).find((t) => t.name === opts.topic)
      if (existing && createTopic && existing.partitions.length !== createTopic.partitions)
        io.stderr.write(
          `Note: topic ${opts.topic} already exists with ${existing.partitions.length} partitions; importing into it as it is.\n`
        )
      const bar = new ProgressBar(io.stderr, `Importing into ${opts.topic}`)
      try {
        const res = await importRecords(s.cluster, {
          topic: opts.topic,
          rows: rowsOf(),
          total,
          keyField: opts.keyField ?? null,
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
          .map(([p, n]) => `${p}=${n}`)
          .join(', ')
        io.stdout.write(`Imported ${res.imported} records into ${opts.topic} in ${res.elapsedMs} ms (per partition: ${parts}).\n`)
      } catch (e) {
        bar.done()
        const err = toContractError(e)
        throw new CliError(`${err.code}: ${err.message}`, EXIT_FAILURE)
      }
    })
  })
}
