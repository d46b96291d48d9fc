/** Handlers of `import/*`: a file's rows parsed, checked whole, and produced, with progress events. */
import { importRecords } from '../import/importer'
import { parseRecordSource } from '../import/record-source'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** import/run. */
export function importHandlers(ctx: HandlerContext): NamespaceHandlers<'import'> {
  return {
    'import/run': async ({ topic, format, content, keyField, createTopic }) => {
      const rows = await parseRecordSource(content, format)
      return importRecords(ctx.cluster, {
        topic,
        rows,
        keyField,
        createTopic,
        clock: ctx.clock,
        onProgress: (done, total) => ctx.emit({ event: 'import/progress', payload: { topic, done, total } })
      })
    }
  }
}
