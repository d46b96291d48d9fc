/**
 * The `brokerlab` command line (bin/brokerlab.mjs loads this through tsx): commander wiring of the
 * commands serve, start, topic create|list|describe|delete, produce, import, offsets, consume, groups and
 * broker stop|kill|start|slow|isolate|heal, and the
 * mapping of failures to exit codes (0 ok, 1 engine/Kafka or input error, 2 usage).
 *
 * Must stay true: `runCli` never calls process.exit and never throws: it returns the exit code,
 * after printing one line naming the problem for every failure.
 */
import { Command, CommanderError } from 'commander'
import type { CliIo } from './cli-context'
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error'
import { registerTopicCommand } from './commands/topic-command'
import { registerProduceCommand } from './commands/produce-command'
import { registerImportCommand } from './commands/import-command'
import { registerOffsetsCommand } from './commands/offsets-command'
import { registerConsumeCommand } from './commands/consume-command'
import { registerServeCommand } from './commands/serve-command'
import { registerGroupsCommand } from './commands/groups-command'
import { registerStartCommand } from './commands/start-command'
import { registerBrokerCommand } from './commands/broker-command'
import { registerLeaderElectionCommand } from './commands/leader-election-command'

/** Builds the commander program over `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('brokerlab')
  program
    .description('Brokerlab: an embedded multi-broker Kafka-compatible cluster, on the command line and in the browser')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s)
    })
  registerServeCommand(program, io)
  registerStartCommand(program, io)
  registerTopicCommand(program, io)
  registerProduceCommand(program, io)
  registerImportCommand(program, io)
  registerOffsetsCommand(program, io)
  registerConsumeCommand(program, io)
  registerGroupsCommand(program, io)
  registerBrokerCommand(program, io)
  registerLeaderElectionCommand(program, io)
  return program
}

/**
 * Runs the CLI on `argv` (without node and script, e.g. ['topic', 'list']).
 * @returns the exit code.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io)
  if (argv.length === 0) {
    program.outputHelp()
    return EXIT_USAGE
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0
      return e.exitCode === 0 ? 0 : EXIT_USAGE
    }
    if (e instanceof CliError) {
      io.stderr.write(`brokerlab: ${e.message}\n`)
      return e.exitCode
    }
    io.stderr.write(`brokerlab: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`)
    return EXIT_FAILURE
  }
}
