/**
 * Validation schemas (zod) for every contract request. Both hosts (Electron IPC, WebSocket) run
 * `validateRequest` before a handler sees a payload, so a handler can trust its argument's shape.
 * Rules that Kafka defines (topic names, config ranges) are checked here with Kafka's wording; the
 * engine checks them again, since it is also a library.
 */
import { z } from 'zod'
import { IMPORT_UPLOAD_CHUNK_BYTES, IMPORT_UPLOAD_MAX_BYTES, REQUEST_NAMES, SAMPLE_DATASETS, type RequestName, type RequestOf, type SampleDataset } from './contract'
import { IMPORT_FORMATS } from './import-format'
import { topicNameProblem } from './topic-name'

const topicName = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
const nonNegInt = z.number().int().min(0)
const brokerId = z.number().int().min(0).max(1000)
const partition = z.number().int().min(0).max(100_000)
const empty = z.object({}).strict()

/** Partial topic configs with Kafka's names; unknown keys are refused. */
export const topicConfigsSchema = z
  .object({
    'retention.ms': z.number().int().min(-1),
    'retention.bytes': z.number().int().min(-1),
    'segment.bytes': z.number().int().min(14),
    'segment.ms': z.number().int().min(1),
    'segment.index.bytes': z.number().int().min(4),
    'index.interval.bytes': nonNegInt,
    'cleanup.policy': z.enum(['delete', 'compact', 'compact,delete']),
    'min.insync.replicas': z.number().int().min(1),
    'max.message.bytes': z.number().int().min(0),
    'delete.retention.ms': nonNegInt,
    'min.cleanable.dirty.ratio': z.number().min(0).max(1),
    'flush.messages': z.number().int().min(1),
    'flush.ms': nonNegInt,
    'message.timestamp.type': z.enum(['CreateTime', 'LogAppendTime'])
  })
  .partial()
  .strict()

const startPosition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('offset'), offset: nonNegInt }),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int() })
])

/**
 * Most headers one produce/send record may carry. Kafka sets no limit; headers carry metadata
 * (trace ids, content types), a handful per record, and each is an object and a buffer in memory
 * once expanded, so a bound here keeps one request's header list (times count) from being the
 * thing that exhausts the engine's memory; the byte budget (PRODUCE_SEND_MAX_BYTES) bounds the rest.
 */
export const MAX_HEADERS_PER_RECORD = 1000

const produceRecord = z
  .object({
    key: z.string().nullable(),
    value: z.string().nullable(),
    // The count is checked before the elements are parsed, so a million headers are refused at once.
    headers: z
      .array(z.unknown())
      .max(MAX_HEADERS_PER_RECORD, `A record may carry at most ${MAX_HEADERS_PER_RECORD} headers (MAX_HEADERS_PER_RECORD)`)
      .pipe(z.array(z.object({ key: z.string(), value: z.string() })))
      .optional(),
    partition: partition.optional(),
    timestamp: z.number().int().min(0).optional()
  })
  .strict()

const uploadId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an upload id from import/upload or import/sample')
const importFormat = z.enum(IMPORT_FORMATS)
const importTimestamp = z
  .object({
    field: z.string().min(1),
    format: z.enum(['iso', 'epoch-ms', 'epoch-s', 'pattern']),
    pattern: z.string().min(1).max(200).optional(),
    timeZone: z.string().min(1).max(100).optional()
  })
  .strict()
  .refine((t) => (t.format === 'pattern') === (t.pattern !== undefined), { message: 'a pattern goes with format "pattern", and only with it' })

/** One schema per request name. */
export const requestSchemas = {
  'cluster/snapshot': empty,
  'broker/stop': z.object({ brokerId }).strict(),
  'broker/start': z.object({ brokerId }).strict(),
  'broker/fetching': z.object({ brokerId, paused: z.boolean() }).strict(),
  'topic/list': z.object({ includeInternal: z.boolean().optional() }).strict(),
  'topic/describe': z.object({ topic: topicName }).strict(),
  'topic/create': z
    .object({
      topic: topicName,
      partitions: z.number().int().min(1, 'Number of partitions must be at least 1').max(10_000),
      replicationFactor: z.number().int().min(1, 'Replication factor must be at least 1').max(9),
      configs: topicConfigsSchema.optional()
    })
    .strict(),
  'topic/alter': z
    .object({
      topic: topicName,
      partitions: z.number().int().min(1, 'Number of partitions must be at least 1').max(10_000).optional(),
      configs: topicConfigsSchema.optional()
    })
    .strict()
    .refine((r) => r.partitions !== undefined || (r.configs !== undefined && Object.keys(r.configs).length > 0), {
      message: 'Give partitions, configs, or both'
    }),
  'topic/delete': z.object({ topic: topicName }).strict(),
  'topic/defaults': empty,
  'topic/segments': z.object({ topic: topicName, partition }).strict(),
  'produce/send': z
    .object({
      topic: topicName,
      acks: z.union([z.literal(0), z.literal(1), z.literal('all')]),
      records: z.array(produceRecord).min(1).max(100_000),
      count: z.number().int().min(1).max(1_000_000).optional()
    })
    .strict(),
  'messages/fetch': z
    .object({
      topic: topicName,
      partition: partition.nullable(),
      start: startPosition,
      limit: z.number().int().min(1).max(100_000),
      keyContains: z.string().optional(),
      direction: z.enum(['forward', 'backward']).optional()
    })
    .strict(),
  'offsets/list': z.object({ topic: topicName }).strict(),
  'group/list': empty,
  'group/describe': z.object({ groupId: z.string().min(1).max(255) }).strict(),
  'group/consume': z
    .object({
      groupId: z.string().min(1).max(255),
      topic: topicName,
      maxRecords: z.number().int().min(1).max(1_000_000),
      fromBeginning: z.boolean()
    })
    .strict(),
  'group/reset': z
    .object({
      groupId: z.string().min(1).max(255),
      topic: topicName,
      partitions: z
        .array(partition)
        .min(1, 'Name at least one partition, or none for every partition')
        .max(10_000)
        .refine((ps) => new Set(ps).size === ps.length, 'A partition is named twice')
        .optional(),
      to: z.union([
        z.enum(['earliest', 'latest']),
        z.object({ offset: nonNegInt }).strict(),
        z.object({ timestamp: z.number().int() }).strict(),
        z.object({ shiftBy: z.number().int() }).strict()
      ]),
      dryRun: z.boolean().optional()
    })
    .strict(),
  'import/upload': z.object({ fileName: z.string().min(1).max(1024), size: z.number().int().min(0).max(IMPORT_UPLOAD_MAX_BYTES) }).strict(),
  'import/upload-chunk': z
    .object({
      uploadId,
      offset: z.number().int().min(0).max(IMPORT_UPLOAD_MAX_BYTES),
      data: z.base64().max(Math.ceil(IMPORT_UPLOAD_CHUNK_BYTES / 3) * 4, `A chunk carries at most ${IMPORT_UPLOAD_CHUNK_BYTES} bytes (IMPORT_UPLOAD_CHUNK_BYTES)`)
    })
    .strict(),
  'import/sample': z.object({ sample: z.enum(Object.keys(SAMPLE_DATASETS) as [SampleDataset, ...SampleDataset[]]) }).strict(),
  'import/inspect': z.object({ uploadId, format: importFormat.optional(), csvTypedColumns: z.boolean().optional() }).strict(),
  'import/run': z
    .object({
      uploadId,
      topic: topicName,
      format: importFormat,
      keyField: z.string().min(1).nullable(),
      timestamp: importTimestamp.optional(),
      csvTypedColumns: z.boolean().optional(),
      createTopic: z
        .object({ partitions: z.number().int().min(1).max(10_000), replicationFactor: z.number().int().min(1).max(9) })
        .strict()
        .optional()
    })
    .strict(),
  'import/discard': z.object({ uploadId }).strict()
} satisfies { [N in RequestName]: z.ZodType }

/** Result of validating a request: the typed payload, or a message naming every problem. */
export type Validation<N extends RequestName> = { ok: true; value: RequestOf<N> } | { ok: false; message: string }

/**
 * Validates `payload` as the request `name`.
 * Unknown names and malformed payloads give `{ ok: false, message }`; never throws.
 */
export function validateRequest<N extends RequestName>(name: N, payload: unknown): Validation<N>
export function validateRequest(name: string, payload: unknown): Validation<RequestName>
export function validateRequest(name: string, payload: unknown): Validation<RequestName> {
  if (!(REQUEST_NAMES as readonly string[]).includes(name)) {
    return { ok: false, message: `Unknown request "${String(name).slice(0, 80)}"` }
  }
  const schema = requestSchemas[name as RequestName]
  const parsed = schema.safeParse(payload ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as RequestOf<RequestName> }
  return { ok: false, message: `Invalid ${name} request: ${issuesText(parsed.error.issues)}` }
}

function issuesText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ')
}

/**
 * What is wrong with `payload` as a `name` request, as "field: rule; ..." (for forms that show it
 * before sending), or null when it is valid.
 */
export function requestProblem<N extends RequestName>(name: N, payload: unknown): string | null {
  const r = requestSchemas[name].safeParse(payload)
  return r.success ? null : issuesText(r.error.issues)
}
