/**
 * Handlers of `import/*`: files staged on the host (uploaded in chunks, or a sample dataset),
 * inspected (format, fields, record count), and imported in two passes (every row checked, then
 * produced) with 'import/progress' events, as `brokerlab import` imports a file.
 *
 * Must stay true: an extension that names no format is refused unless the request names the
 * format; a staged file is discarded once imported, so the same upload is never imported twice;
 * staged files are removed when the service closes.
 */
import { formatFromFileName, unknownFormatMessage } from '../../shared/import-format'
import { ImportFormatError } from '../import/import-format-error'
import { importFile, inspectImportFile } from '../import/import-job'
import { ImportUploads } from '../import/import-uploads'
import { timestampSpecProblem } from '../import/record-timestamp'
import { sampleDatasetFile } from '../import/sample-datasets'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** import/upload, import/upload-chunk, import/sample, import/inspect, import/run, import/discard. */
export function importHandlers(ctx: HandlerContext, uploads = new ImportUploads()): NamespaceHandlers<'import'> {
  ctx.onClose(() => uploads.close())
  return {
    'import/upload': ({ fileName, size }) => uploads.begin(fileName, size),
    'import/upload-chunk': async ({ uploadId, offset, data }) => ({ received: await uploads.append(uploadId, offset, Buffer.from(data, 'base64')) }),
    'import/sample': ({ sample }) => {
      const f = sampleDatasetFile(sample)
      return uploads.stageFile(f.fileName, f.path, f.size)
    },
    'import/inspect': ({ uploadId, format, csvTypedColumns }) =>
      uploads.reading(uploadId, async (file) => {
        const f = format ?? formatFromFileName(file.fileName)
        if (!f) throw new ImportFormatError(unknownFormatMessage(file.fileName, 'ui'))
        const found = await inspectImportFile({ path: file.path }, f, { csvTypedColumns })
        return { uploadId, fileName: file.fileName, size: file.size, format: f, ...found }
      }),
    'import/run': async ({ uploadId, topic, format, keyField, timestamp, csvTypedColumns, createTopic }) => {
      const problem = timestamp ? timestampSpecProblem(timestamp) : null
      if (problem) throw new ImportFormatError(`Timestamp: ${problem}`)
      const res = await uploads.reading(uploadId, (file) =>
        importFile(ctx.cluster, {
          input: { path: file.path },
          format,
          keyField,
          timestamp,
          csvTypedColumns,
          topic,
          createTopic,
          clock: ctx.clock,
          onProgress: (phase, done, total) => ctx.emit({ event: 'import/progress', payload: { topic, phase, done, total } })
        })
      )
      await uploads.discard(uploadId)
      return res
    },
    'import/discard': async ({ uploadId }) => {
      await uploads.discard(uploadId)
      return { ok: true as const }
    }
  }
}
