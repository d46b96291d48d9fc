/**
 * The cluster's stored listener settings, `<dataDir>/listener-settings.json`: the base port the
 * user chose in the app ("Listener base port", issue 10), so that the next open of that cluster
 * (desktop app, `brokerlab serve` without `--broker-port`) listens there again. It travels with the
 * data directory, as the cluster does.
 *
 * Format: `{ "basePort": 9192 }`.
 *
 * Must stay true: the file is replaced atomically (a temporary file renamed over it), so a reader
 * sees the old or the new value, never half of one; a file that cannot be read or holds no valid
 * port never keeps a cluster from opening: it reads as "nothing stored", with the reason.
 */
import fs from 'node:fs'
import path from 'node:path'

/** The file's name in the data directory. */
export const LISTENER_SETTINGS_FILE = 'listener-settings.json'

/** What reading the file found: a stored base port, nothing (`reason` null: no file), or an unusable file (`reason` says why). */
export type StoredListenerSettings = { basePort: number } | { basePort: null; reason: string | null }

/** Reads the stored base port of the cluster in `dataDir` (see StoredListenerSettings). */
export function readListenerSettings(dataDir: string): StoredListenerSettings {
  const file = path.join(dataDir, LISTENER_SETTINGS_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { basePort: null, reason: null }
    return { basePort: null, reason: `${file} cannot be read: ${(e as Error).message}` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { basePort: null, reason: `${file} is not JSON` }
  }
  const port = (value as { basePort?: unknown } | null)?.basePort
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return { basePort: null, reason: `${file} holds no base port from 1 to 65535 ("basePort")` }
  }
  return { basePort: port }
}

/**
 * Stores `basePort` as the listener base port of the cluster in `dataDir` (atomically).
 * @throws Error (from the file system) when the file cannot be written.
 */
export function writeListenerSettings(dataDir: string, basePort: number): void {
  const file = path.join(dataDir, LISTENER_SETTINGS_FILE)
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify({ basePort })}\n`)
  fs.renameSync(tmp, file)
}
