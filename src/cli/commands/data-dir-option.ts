/**
 * The `--data-dir` option every command carries, defaulting to the user's data directory
 * (see ../data-dir.ts), resolved against the working directory.
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
