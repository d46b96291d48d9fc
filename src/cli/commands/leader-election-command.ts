/**
 * `brokerlab leader-election --election-type preferred|unclean (--topic T [--partition N] |
 * --all-topic-partitions) [--json]`: Kafka's kafka-leader-election.sh (LeaderElectionCommand, KIP-460)
 * (cluster/elect-leaders) in-process on the data directory, or over the Kafka protocol with
 * `--bootstrap-server` or when a running cluster holds the directory (ElectLeaders v1-2, see
 * src/host/remote/remote-elections.ts). It prints what Kafka's tool prints:
 * "Successfully completed leader election (PREFERRED) for partitions t-0, t-1", "Valid replica
 * already elected for partitions t-2" and, per partition that could not be elected, "Error completing
 * leader election (PREFERRED) for partition: t-3: CODE: why" (then exit 1); after them the step's
 * cluster events when in-process (each election with its reason, and for an unclean one the
 * records-lost report; a remote cluster has no wire API for its events: see its UI).
 * With --all-topic-partitions, partitions needing no election are not listed (Kafka's controller
 * answers only those it elected or failed to).
 *
 * Must stay true: arguments are checked (Kafka's rules, then the shared schemas) before the data
 * directory is opened.
 */
import type { Command } from 'commander'
import type { LeaderElectionResultView } from '../../shared/contract'
import { call, intArg, printJson, validated, withBackend, type CliIo } from '../cli-context'
import { LocalEngine } from '../../host/local-engine'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'

/** The command's options as commander gives them. */
interface LeaderElectionOpts extends ClusterOpts {
  electionType?: string
  topic?: string
  partition?: number
  allTopicPartitions?: boolean
  json?: boolean
}

/**
 * The lines kafka-leader-election.sh prints for `results` of an election of `type`
 * (LeaderElectionCommand.electLeaders): successes, no-ops, then one error line per failure.
 */
export function leaderElectionLines(type: 'preferred' | 'unclean', results: readonly LeaderElectionResultView[]): string[] {
  const label = type.toUpperCase()
  const name = (r: LeaderElectionResultView): string => `${r.topic}-${r.partition}`
  const lines: string[] = []
  const elected = results.filter((r) => r.outcome === 'elected')
  const noop = results.filter((r) => r.outcome === 'not-needed')
  const failed = results.filter((r) => r.outcome === 'failed')
  if (elected.length > 0) lines.push(`Successfully completed leader election (${label}) for partitions ${elected.map(name).join(', ')}`)
  if (noop.length > 0) lines.push(`Valid replica already elected for partitions ${noop.map(name).join(', ')}`)
  for (const r of failed) lines.push(`Error completing leader election (${label}) for partition: ${name(r)}: ${r.error?.code ?? 'UNKNOWN_SERVER_ERROR'}: ${r.error?.message ?? ''}`)
  return lines
}

/** Registers `leader-election`. */
export function registerLeaderElectionCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('leader-election')
      .description(
        "Elect leaders as kafka-leader-election.sh does: preferred (the first replica leads again) or unclean (a leaderless partition gets a leader, from outside the ISR when no in-sync replica is left: the records it lacks are lost and reported). In-process on the data directory, or over the Kafka protocol (ElectLeaders)"
      )
      .option('--election-type <type>', 'preferred or unclean (PREFERRED, UNCLEAN as Kafka writes them)')
      .option('--topic <topic>', 'the topic whose partitions to elect')
      .option('--partition <n>', 'only this partition of --topic', intArg('--partition'))
      .option('--all-topic-partitions', 'every partition of every topic')
      .option('--json', 'print the results and the events as JSON'),
    io
  ).action(async (opts: LeaderElectionOpts) => {
    const raw = opts.electionType
    if (raw === undefined) throw usageError('Missing required option --election-type: preferred or unclean.')
    const type = raw.toLowerCase()
    if (type !== 'preferred' && type !== 'unclean') throw usageError(`Unknown --election-type "${raw}": use preferred or unclean.`)
    if (opts.allTopicPartitions && opts.topic !== undefined) throw usageError('Give either --topic or --all-topic-partitions, not both.')
    if (!opts.allTopicPartitions && opts.topic === undefined) throw usageError('Give --topic T (optionally with --partition N) or --all-topic-partitions.')
    if (opts.partition !== undefined && opts.topic === undefined) throw usageError('--partition goes with --topic.')
    const req = validated('cluster/elect-leaders', {
      electionType: type,
      ...(opts.topic !== undefined ? { topic: opts.topic } : {}),
      ...(opts.partition !== undefined ? { partition: opts.partition } : {})
    })
    await withBackend(io, opts, async (s) => {
      const local = s instanceof LocalEngine ? s : null
      const lastSeq = local ? ((await call(local, 'cluster/snapshot', {})).events.at(-1)?.seq ?? 0) : 0
      const all = await call(s, 'cluster/elect-leaders', req)
      const results = opts.allTopicPartitions ? all.filter((r) => r.outcome !== 'not-needed') : all
      const events = local ? (await call(local, 'cluster/snapshot', {})).events.filter((e) => e.seq > lastSeq) : []
      if (opts.json) printJson(io, { results, events })
      else {
        for (const line of leaderElectionLines(type, results)) io.stdout.write(`${line}\n`)
        for (const e of events) io.stdout.write(`${e.message}\n`)
      }
      const failed = results.filter((r) => r.outcome === 'failed').length
      if (failed > 0) throw new CliError(`${failed} replica(s) could not be elected`, EXIT_FAILURE)
    })
  })
}
