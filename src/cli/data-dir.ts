/**
 * Where the CLI keeps the cluster when `--data-dir` is not given: BROKERLAB_DATA_DIR, else the
 * platform's per-user data directory (Linux: $XDG_DATA_HOME/brokerlab or ~/.local/share/brokerlab;
 * macOS: ~/Library/Application Support/Brokerlab; Windows: %APPDATA%\Brokerlab).
 *
 * Must stay true: a pure function of its arguments (tests pass env, platform and home).
 */
import { join, win32, posix } from 'node:path'

/** The default data directory for `platform`, honouring BROKERLAB_DATA_DIR and XDG_DATA_HOME. */
export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (env.BROKERLAB_DATA_DIR) return env.BROKERLAB_DATA_DIR
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), 'Brokerlab')
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Brokerlab')
  const xdg = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share')
  return posix.join(xdg, 'brokerlab')
}
