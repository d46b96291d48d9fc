/**
 * `brokerlab broker stop|kill|start|slow|isolate|heal ID [--delay-ms N]`: a broker's lifecycle and
 * the failure playground's faults, in-process on the data directory like the other one-shot
 * commands (Kafka has no wire API for faults, so `--bootstrap-server` does not apply here). It
 * prints what happened (the cluster events of the step) and the brokers' states.
 *
 * What lasts after the command: stop and start are persisted (a stopped broker stays stopped); kill,
 * slow and isolate live in the process that holds the cluster, so in a one-shot command they end
 * when it exits. A kill still leaves its mark: the broker's logs are not closed cleanly, so the next
 * open recovers them as after a crash. Against a running cluster (`brokerlab start` holds the
 * directory's lock) the command is refused with that cluster's address: use its UI.
 *
 * Must stay true: arguments are checked (shared schemas) before the data directory is opened.
 */
import type { Command } from 'commander'
import type { BrokerView, RequestName } from '../../shared/contract'
import { call, intArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { usageError } from '../cli-error'
import { formatTable } from '../table'
import { addDataDir, type DataDirOpts } from './data-dir-option'

/** The actions and the request each sends. */
const ACTIONS = {
  stop: 'broker/stop',
  start: 'broker/start',
  kill: 'broker/kill',
  slow: 'broker/slow',
  isolate: 'broker/isolate',
  heal: 'broker/heal'
} as const satisfies Record<string, RequestName>

type Action = keyof typeof ACTIONS

/** One broker's state in words, e.g. "running, isolated, slowed by 200 ms" or "killed (fenced)". */
export function brokerStateText(b: BrokerView): string {
  const parts: string[] = [b.state]
  if (b.fenced) parts.push('fenced')
  if (b.isolated) parts.push('isolated')
  if (b.slowMs > 0) parts.push(`slowed by ${b.slowMs} ms`)
  if (b.state === 'running' && !b.fetching) parts.push('fetching paused')
  return parts.join(', ')
}

/** Registers `broker`. */
export function registerBrokerCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('broker')
      .description(
        "Stop, kill, start, slow, isolate or heal a broker (in-process on the data directory; Kafka has no wire API for faults). stop/start are persisted; kill, slow and isolate last only while the process holding the cluster runs, so in this one-shot command they end when it exits (a killed broker's logs are recovered at the next open)"
      )
      .argument('<action>', `one of ${Object.keys(ACTIONS).join(', ')}`)
      .argument('<id>', 'broker id', intArg('The broker id'))
      .option('--delay-ms <ms>', 'slow: extra delay of every request the broker serves or sends, 1 to 300000 ms', intArg('--delay-ms'))
      .option('--json', 'print the events and brokers as JSON'),
    io
  ).action(async (action: string, id: number, opts: DataDirOpts & { delayMs?: number; json?: boolean }) => {
    if (!(action in ACTIONS)) throw usageError(`Unknown broker action "${action}": use one of ${Object.keys(ACTIONS).join(', ')}.`)
    const a = action as Action
    if (a === 'slow' && opts.delayMs === undefined) throw usageError('broker slow needs --delay-ms N (the extra delay per request, 1 to 300000 ms).')
    if (a !== 'slow' && opts.delayMs !== undefined) throw usageError(`--delay-ms goes with broker slow only, not broker ${a}.`)
    const name = ACTIONS[a]
    const req = validated(name, a === 'slow' ? { brokerId: id, delayMs: opts.delayMs } : { brokerId: id })
    await withEngine(io, opts.dataDir, async (s) => {
      const before = await call(s, 'cluster/snapshot', {})
      const lastSeq = before.events.at(-1)?.seq ?? 0
      await call(s, name, req)
      const after = await call(s, 'cluster/snapshot', {})
      const events = after.events.filter((e) => e.seq > lastSeq)
      if (opts.json) return printJson(io, { events, brokers: after.brokers })
      for (const e of events) io.stdout.write(`${e.message}\n`)
      if (events.length === 0) io.stdout.write(`Broker ${id} is already ${a === 'stop' ? 'stopped' : 'running'}: nothing changed.\n`)
      io.stdout.write(
        `\n${formatTable(
          ['BROKER', 'STATE', 'CONTROLLER', 'LEADS', 'REPLICAS'],
          after.brokers.map((b) => [b.id, brokerStateText(b), b.controller ? 'yes' : '', b.partitionsLed, b.replicas])
        )}\n`
      )
    })
  })
}
