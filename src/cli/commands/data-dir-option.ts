/**
 * The `--data-dir` option every command carries, defaulting to the user's data directory
 * (see ../data-dir.ts), resolved against the working directory; and `--bootstrap-server`, which
 * the commands that read or write cluster data carry besides (Kafka's tools' flag).
 */
import { resolve } from 'node:path'
import { homedir } from 'node:os'
import type { Command } from 'commander'
import { defaultDataDir } from '../data-dir'
import type { CliIo } from '../cli-context'

/** Options of a command that has `--data-dir`. */
export interface DataDirOpts {
  dataDir: string
}

/** Adds `--data-dir <dir>` (default: BROKERLAB_DATA_DIR or the platform's data directory). */
export function addDataDir(cmd: Command, io: CliIo): Command {
  return cmd.option(
    '--data-dir <dir>',
    'cluster data directory (env BROKERLAB_DATA_DIR)',
    (v: string) => resolve(v),
    defaultDataDir(io.env, process.platform, homedir())
  )
}

/** Options of a command that runs against a cluster: `--data-dir` and `--bootstrap-server`. */
export interface ClusterOpts extends DataDirOpts {
  bootstrapServer?: string
}

/** Adds `--data-dir` and `--bootstrap-server HOST:PORT[,HOST:PORT]` (a running cluster, over the Kafka protocol). */
export function addClusterOptions(cmd: Command, io: CliIo): Command {
  return addDataDir(cmd, io).option(
    '--bootstrap-server <host:port,...>',
    'a running cluster to use over the Kafka protocol (default: the one running on --data-dir, if any, else the directory in-process)'
  )
}
