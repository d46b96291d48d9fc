/**
 * Validation schemas (zod) for every contract request. Both hosts (Electron IPC, WebSocket) run
 * `validateRequest` before a handler sees a payload, so a handler can trust its argument's shape.
 * Rules that Kafka defines (topic names, config keys, types and ranges) are the engine model's
 * (src/broker/model), checked here with Kafka's wording; the engine checks them again, since it is
 * also a library. The topic configs schema is derived from the model's table, key by key.
 */
import { z } from 'zod'
import {
  CLUSTER_EVENTS_MAX,
  IMPORT_UPLOAD_CHUNK_BYTES,
  IMPORT_UPLOAD_MAX_BYTES,
  REQUEST_NAMES,
  SAMPLE_DATASETS,
  type SampleDataset,
  SEARCH_MAX_DURATION_MS,
  SEARCH_MAX_MATCHES,
  SEARCH_MAX_SCAN_BYTES,
  type RequestName,
  type RequestOf
} from './contract'
import { ACKS } from '../broker/model/acks'
import { topicNameProblem } from '../broker/model/topic-name'
import { TOPIC_CONFIG_TABLE } from '../broker/model/topic-configs'
import { parseTopicConfigValue, topicConfigDef, unknownTopicConfigMessage } from '../broker/model/topic-config-values'
import { IMPORT_FORMATS } from './import-format'

const topicName = z.string().superRefine((name, ctx) => {
  const problem = topicNameProblem(name)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
const nonNegInt = z.number().int().min(0)
const brokerId = z.number().int().min(0).max(1000)
const partition = z.number().int().min(0).max(100_000)
const empty = z.object({}).strict()

/**
 * One config value, checked by the model's parser (type, range, allowed values) with Kafka's
 * message ("Invalid value V for configuration K: rule"); a LONG may be a decimal string (exact to
 * Long.MAX_VALUE) or a safe integer.
 */
function topicConfigValueSchema(name: string): z.ZodType<string | number> {
  return z.unknown().superRefine((raw, ctx) => {
    const parsed = parseTopicConfigValue(name, raw)
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message })
  }) as unknown as z.ZodType<string | number>
}

/**
 * Topic config overrides with Kafka's names: any subset of the model's table (TOPIC_CONFIG_TABLE),
 * each value checked as the engine checks it; an unknown key is refused with Kafka's "Unknown topic
 * config name: K".
 */
export const topicConfigsSchema = z
  .object(Object.fromEntries(Object.keys(TOPIC_CONFIG_TABLE).map((name) => [name, topicConfigValueSchema(name).optional()])))
  .catchall(z.unknown())
  .superRefine((configs, ctx) => {
    for (const name of Object.keys(configs))
      if (!topicConfigDef(name)) ctx.addIssue({ code: 'custom', path: [name], message: unknownTopicConfigMessage(name) })
  })

/** Per-partition offsets, keyed by the partition number (JSON object keys are strings). */
const partitionOffsets = z
  .record(z.string().regex(/^\d{1,6}$/, 'keys must be partition numbers'), nonNegInt)
  .refine((o) => Object.keys(o).length <= 100_000, 'at most 100,000 partitions')

const startPosition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }).strict(),
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('offset'), offset: nonNegInt }).strict(),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int() }).strict(),
  z.object({ kind: z.literal('offsets'), offsets: partitionOffsets }).strict()
])

/** Search and export ids are the host's random ids: base64url, 8 to 64 characters. */
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an id the host returned')

const partitionSet = z.array(partition).min(1, 'name at least one partition, or null for all').max(100_000).nullable()

const textFilter = z
  .object({
    mode: z.enum(['substring', 'regex']),
    pattern: z.string().min(1, 'the pattern is empty').max(10_000, 'a pattern may have at most 10,000 characters'),
    caseInsensitive: z.boolean().optional()
  })
  .strict()

/** messages/search-start's query (also an export's source). Filters are compiled (and refused) by the host. */
export const searchQuerySchema = z
  .object({
    topic: topicName,
    partitions: partitionSet,
    from: startPosition.optional(),
    to: startPosition.optional(),
    key: textFilter.optional(),
    value: textFilter.optional(),
    headerKey: textFilter.optional(),
    headerValue: textFilter.optional(),
    json: z.string().min(1, 'the JSON filter is empty').max(10_000, 'a JSON filter may have at most 10,000 characters').optional(),
    timestampFrom: z.number().int().optional(),
    timestampTo: z.number().int().optional(),
    maxMatches: z.number().int().min(1).max(SEARCH_MAX_MATCHES).optional(),
    maxScanBytes: z.number().int().min(1).max(SEARCH_MAX_SCAN_BYTES).optional(),
    maxDurationMs: z.number().int().min(1).max(SEARCH_MAX_DURATION_MS).optional()
  })
  .strict()
  .refine((q) => q.timestampFrom === undefined || q.timestampTo === undefined || q.timestampFrom < q.timestampTo, {
    message: 'timestampFrom must be before timestampTo',
    path: ['timestampTo']
  })

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
  'cluster/events': z
    .object({
      afterSeq: z.number().int('afterSeq is an event sequence number: a whole number').min(0, 'afterSeq is an event sequence number, 0 or more'),
      limit: z.number().int('limit must be a whole number').min(1, 'limit must be at least 1').max(CLUSTER_EVENTS_MAX, `limit must be at most ${CLUSTER_EVENTS_MAX}`).optional()
    })
    .strict(),
  'cluster/elect-leaders': z
    .object({ electionType: z.enum(['preferred', 'unclean']), topic: topicName.optional(), partition: partition.optional() })
    .strict()
    .refine((r) => r.partition === undefined || r.topic !== undefined, { message: 'A partition goes with its topic: give topic too (kafka-leader-election --partition needs --topic)' }),
  'broker/stop': z.object({ brokerId }).strict(),
  'broker/start': z.object({ brokerId }).strict(),
  'broker/fetching': z.object({ brokerId, paused: z.boolean() }).strict(),
  'listener/settings': empty,
  // the range depends on the broker count: the handler applies listenerBasePortProblem (listener-port.ts)
  'listener/base-port': z.object({ basePort: z.number().int('The listener base port must be a whole number') }).strict(),
  'broker/kill': z.object({ brokerId }).strict(),
  'broker/slow': z.object({ brokerId, delayMs: z.number().int().min(1).max(300000) }).strict(),
  'broker/isolate': z.object({ brokerId }).strict(),
  'broker/heal': z.object({ brokerId }).strict(),
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
  'topic/replica-lag-history': z.object({ topic: topicName, partition }).strict(),
  'produce/send': z
    .object({
      topic: topicName,
      acks: z.union(ACKS.map((a) => z.literal(a)) as [z.ZodLiteral<0>, z.ZodLiteral<1>, z.ZodLiteral<'all'>]),
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
      direction: z.enum(['forward', 'backward']).optional(),
      maxBytes: z.number().int().min(1).max(32 * 1024 * 1024).optional()
    })
    .strict(),
  'messages/tail': z
    .object({
      topic: topicName,
      partitions: partitionSet,
      cursors: partitionOffsets.nullable(),
      maxRecords: z.number().int().min(1).max(5000).optional(),
      maxBytes: z.number().int().min(1).max(4 * 1024 * 1024).optional()
    })
    .strict(),
  'messages/search-start': searchQuerySchema,
  'messages/search-poll': z.object({ searchId: sessionId, waitMs: z.number().int().min(0).max(2000).optional() }).strict(),
  'messages/search-stop': z.object({ searchId: sessionId }).strict(),
  'messages/export-start': z
    .object({
      format: z.enum(['ndjson', 'json', 'csv']),
      source: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('search'), query: searchQuerySchema }).strict(),
        z
          .object({
            kind: z.literal('records'),
            topic: topicName,
            records: z
              .array(z.object({ partition, offset: nonNegInt }).strict())
              .min(1, 'choose at least one record')
              .max(1_000_000, 'at most 1,000,000 records')
          })
          .strict()
      ])
    })
    .strict(),
  'messages/export-read': z.object({ exportId: sessionId }).strict(),
  'messages/export-status': z.object({ exportId: sessionId }).strict(),
  'messages/export-cancel': z.object({ exportId: sessionId }).strict(),
  'messages/export-save': z
    .object({ exportId: sessionId, fileName: z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'a file name, not a path') })
    .strict(),
  'offsets/list': z.object({ topic: topicName }).strict(),
  'group/list': empty,
  'group/describe': z.object({ groupId: z.string().min(1).max(255) }).strict(),
  'group/membership': z.object({ groupId: z.string().min(1).max(255) }).strict(),
  'group/details': z.object({ groupId: z.string().min(1).max(255) }).strict(),
  'group/delete': z.object({ groupId: z.string().min(1).max(255) }).strict(),
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

/**
 * Result of validating a request: the typed payload, or the contract error code and a message
 * naming every problem. The code is INVALID_CONFIG (Kafka's, as CreateTopics / AlterConfigs answer)
 * when every problem is a topic config key or value the table refuses, INVALID_REQUEST otherwise.
 */
export type Validation<N extends RequestName> =
  | { ok: true; value: RequestOf<N> }
  | { ok: false; code: 'INVALID_REQUEST' | 'INVALID_CONFIG'; message: string }

/**
 * Validates `payload` as the request `name`.
 * Unknown names and malformed payloads give `{ ok: false, code, message }`; never throws.
 */
export function validateRequest<N extends RequestName>(name: N, payload: unknown): Validation<N>
export function validateRequest(name: string, payload: unknown): Validation<RequestName>
export function validateRequest(name: string, payload: unknown): Validation<RequestName> {
  if (!(REQUEST_NAMES as readonly string[]).includes(name)) {
    return { ok: false, code: 'INVALID_REQUEST', message: `Unknown request "${String(name).slice(0, 80)}"` }
  }
  const schema = requestSchemas[name as RequestName]
  const parsed = schema.safeParse(payload ?? {})
  if (parsed.success) return { ok: true, value: parsed.data as RequestOf<RequestName> }
  const configsOnly = parsed.error.issues.every((i) => i.path[0] === 'configs' && i.path.length === 2)
  return { ok: false, code: configsOnly ? 'INVALID_CONFIG' : 'INVALID_REQUEST', message: `Invalid ${name} request: ${issuesText(parsed.error.issues)}` }
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
