/**
 * The brokers' listener options of `start` and `serve`: the first broker's port (broker ids 1..n
 * listen on BASE, BASE+1, ...; 0 picks free ports) and the address they bind, checked before
 * anything starts, with the warning printed when that address is beyond loopback (the brokers
 * speak PLAINTEXT Kafka, without authentication, to anyone who reaches them).
 *
 * Must stay true: a base port outside 0..65535, or one whose last broker would pass 65535, is a
 * usage error (exit 2) naming the rule; nothing is opened before the first check.
 */
import { isIP } from 'node:net'
import { isLoopbackHost } from '../../host/host-allow-list'
import { basePortProblem } from '../../host/open-listeners'
import { usageError } from '../cli-error'

/**
 * Checks `--port BASE` (or serve's `--broker-port`) alone, before the data directory is opened.
 * @throws CliError (usage) naming the flag and the rule.
 */
export function checkBasePortFlag(flag: string, basePort: number): void {
  const problem = basePortProblem(basePort, 1)
  if (problem) throw usageError(`${flag}: ${problem}.`)
}

/**
 * Checks the base port against the cluster's broker count, once it is known (after opening).
 * @throws CliError (usage) naming the flag, the count and the highest base allowed.
 */
export function checkBasePortForBrokers(flag: string, basePort: number, brokers: number): void {
  const problem = basePortProblem(basePort, brokers)
  if (problem) throw usageError(`${flag}: ${problem}.`)
}

/**
 * Checks the listeners' address: an IP address or "localhost".
 * @throws CliError (usage) naming the flag and the rule.
 */
export function checkListenerHost(flag: string, host: string): void {
  if (host !== 'localhost' && isIP(host.replace(/^\[(.*)\]$/, '$1')) === 0)
    throw usageError(`${flag} must be an IP address the brokers listen on (e.g. 127.0.0.1, 0.0.0.0 or ::1) or localhost, got "${host}".`)
}

/** The warning printed when the brokers listen beyond loopback, or null on loopback. */
export function listenerNetworkWarning(host: string): string | null {
  if (isLoopbackHost(host)) return null
  return (
    `Warning: the brokers listen on ${host}: any machine that reaches this address can produce and consume as a Kafka client ` +
    `(PLAINTEXT, without authentication). Use 127.0.0.1 unless other machines must connect.\n`
  )
}
