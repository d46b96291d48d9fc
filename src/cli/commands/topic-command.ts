/**
 * `brokerlab topic create|alter|list|describe|delete`, after kafka-topics: create with partitions,
 * replication factor and `--config key=value` overrides; alter (add partitions, set configs); list as a table (or `--json`); describe like
 * `kafka-topics --describe` (Topic, Partition, Leader, Replicas, Isr) plus log start, log end and
 * high watermark; delete.
 */
import type { Command } from 'commander'
import { topicConfigOverrides, type TopicConfigOverridesJson, type TopicDetail } from '../../shared/contract'
import { call, intArg, keyValueArg, printJson, validated, withBackend, type CliIo } from '../cli-context'
import { usageError } from '../cli-error'
import { formatTable } from '../table'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'

/**
 * Config values from the command line, as text, as Kafka's tools pass them (ConfigDef parses each
 * by its type): the shared schemas and the engine check and parse them by the topic config table,
 * so a LONG such as flush.ms=9223372036854775807 (Long.MAX_VALUE) is taken exactly, and one above
 * Long.MAX_VALUE is refused with Kafka's "Not a number of type LONG". A key given twice keeps its last value.
 */
export function configValues(pairs: [string, string][] | undefined): TopicConfigOverridesJson | undefined {
  if (!pairs || pairs.length === 0) return undefined
  return Object.fromEntries(pairs) as TopicConfigOverridesJson
}

/**
 * kafka-topics --describe text for one topic. Like Kafka's, `Configs:` lists the topic's overrides
 * only (values that differ from Kafka's defaults, exactly as stored: a LONG in full); `--json` has
 * every value (LONG values as decimal strings).
 */
export function describeText(t: TopicDetail): string {
  const overrides = Object.entries(topicConfigOverrides(t.configs))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
  const lines = [
    `Topic: ${t.name}\tPartitionCount: ${t.partitions}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${overrides}`
  ]
  for (const p of t.partitionViews)
    lines.push(
      `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader === -1 ? 'none' : p.leader}\t` +
        `Replicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\t` +
        `LogStartOffset: ${p.logStartOffset}\tLogEndOffset: ${p.logEndOffset}\tHighWatermark: ${p.highWatermark}`
    )
  return lines.join('\n')
}

/** Registers `topic` and its subcommands. */
export function registerTopicCommand(program: Command, io: CliIo): void {
  const topic = program.command('topic').description('Create, alter, list, describe and delete topics (like kafka-topics)')

  addClusterOptions(
    topic
      .command('create <name>')
      .description('Create a topic')
      .option('--partitions <n>', 'number of partitions', intArg('--partitions'), 1)
      .option('--replication-factor <r>', 'replicas per partition (1 to the number of brokers)', intArg('--replication-factor'), 1)
      .option('--config <key=value>', "a topic config override with Kafka's name (repeatable)", keyValueArg('--config')),
    io
  ).action(async (name: string, opts: ClusterOpts & { partitions: number; replicationFactor: number; config?: [string, string][] }) => {
    const req = validated('topic/create', {
      topic: name,
      partitions: opts.partitions,
      replicationFactor: opts.replicationFactor,
      ...(opts.config ? { configs: configValues(opts.config) } : {})
    })
    await withBackend(io, opts, async (s) => {
      await call(s, 'topic/create', req)
      io.stdout.write(`Created topic ${name}.\n`)
    })
  })

  addClusterOptions(
    topic
      .command('alter <name>')
      .description('Add partitions (kafka-topics --alter) and/or change configs (kafka-configs --alter)')
      .option('--partitions <n>', 'grow the topic to n partitions (keys may then hash to other partitions)', intArg('--partitions'))
      .option('--config <key=value>', "a topic config to set, with Kafka's name (repeatable)", keyValueArg('--config')),
    io
  ).action(async (name: string, opts: ClusterOpts & { partitions?: number; config?: [string, string][] }) => {
    if (opts.partitions === undefined && !opts.config) throw usageError('topic alter: give --partitions <n>, --config <key=value>, or both.')
    const req = validated('topic/alter', {
      topic: name,
      ...(opts.partitions !== undefined ? { partitions: opts.partitions } : {}),
      ...(opts.config ? { configs: configValues(opts.config) } : {})
    })
    await withBackend(io, opts, async (s) => {
      const t = await call(s, 'topic/alter', req)
      if (opts.partitions !== undefined) io.stdout.write(`Topic ${name} now has ${t.partitions} partitions.\n`)
      if (opts.config) io.stdout.write(`Updated configs of topic ${name}: ${opts.config.map(([k]) => `${k}=${t.configs[k as keyof typeof t.configs]}`).join(', ')}.\n`)
    })
  })

  addClusterOptions(
    topic
      .command('list')
      .description('List topics')
      .option('--json', 'print JSON')
      .option('--include-internal', 'include internal topics such as __consumer_offsets'),
    io
  ).action(async (opts: ClusterOpts & { json?: boolean; includeInternal?: boolean }) => {
    await withBackend(io, opts, async (s) => {
      const topics = await call(s, 'topic/list', { includeInternal: opts.includeInternal ?? false })
      if (opts.json) return printJson(io, topics)
      if (topics.length === 0) return void io.stdout.write('No topics.\n')
      io.stdout.write(
        formatTable(
          ['TOPIC', 'PARTITIONS', 'REPLICATION-FACTOR', 'RECORDS', 'SIZE-BYTES', 'UNDER-REPLICATED'],
          topics.map((t) => [t.name, t.partitions, t.replicationFactor, t.records, t.sizeBytes, t.underReplicatedPartitions])
        ) + '\n'
      )
    })
  })

  addClusterOptions(
    topic.command('describe <name>').description('Describe a topic and its partitions').option('--json', 'print JSON'),
    io
  ).action(async (name: string, opts: ClusterOpts & { json?: boolean }) => {
    const req = validated('topic/describe', { topic: name })
    await withBackend(io, opts, async (s) => {
      const detail = await call(s, 'topic/describe', req)
      if (opts.json) printJson(io, detail)
      else io.stdout.write(describeText(detail) + '\n')
    })
  })

  addClusterOptions(topic.command('delete <name>').description('Delete a topic and its data'), io).action(
    async (name: string, opts: ClusterOpts) => {
      const req = validated('topic/delete', { topic: name })
      await withBackend(io, opts, async (s) => {
        await call(s, 'topic/delete', req)
        io.stdout.write(`Deleted topic ${name}.\n`)
      })
    }
  )
}
