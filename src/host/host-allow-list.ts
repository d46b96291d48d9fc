/**
 * Which `Host` headers browser mode answers WebSocket upgrades for: the defence against DNS
 * rebinding (a page of evil.example whose name is made to resolve to 127.0.0.1 still sends
 * `Host: evil.example`). Also which listen addresses are loopback, and the rules for the names a user
 * allows when listening beyond loopback (`serve --host 0.0.0.0 --allowed-hosts myhost.local`).
 *
 * Must stay true: the allow-list is never "anything": it always holds exactly the loopback names
 * (127.0.0.1, localhost, [::1]), the listen address when it is a specific one (an IP literal cannot be
 * rebound), and the allowed hosts, each with the port (and bare when the port is 80, as browsers
 * omit it then). A wildcard listen address (0.0.0.0, ::) adds nothing. Comparison ignores case.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** Host names every run accepts (with its port). */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]']

/** A listen address meaning "every interface". */
export function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::' || host === '[::]'
}

/**
 * Whether listening on `host` keeps the server on this machine: `localhost`, 127.0.0.0/8, ::1 (also
 * as ::ffff:127.x.x.x). Anything else (a wildcard, a LAN address, a name) reaches beyond loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host.toLowerCase())
  if (h === 'localhost' || h === '::1') return true
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h
  return isIPv4(v4) && v4.startsWith('127.')
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** `host` as it appears in a URL or Host header: IPv6 in brackets, lower case. */
export function hostForUrl(host: string): string {
  const h = unbracket(host.toLowerCase())
  return isIPv6(h) ? `[${h}]` : h
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i

/**
 * Checks one allowed host (an entry of `--allowed-hosts`): a DNS host name (RFC 1123 labels) or an
 * IPv4 / IPv6 address, without scheme, port, path or wildcard, and not a wildcard address.
 * @returns null when usable, else the problem in words.
 */
export function allowedHostProblem(name: string): string | null {
  const h = unbracket(name.trim())
  if (h === '') return 'an allowed host is empty (a trailing or doubled comma?)'
  if (isWildcardHost(h)) return `"${name}" is a wildcard address; allow the names or addresses browsers use to reach this machine`
  if (isIPv4(h) || isIPv6(h) || (HOST_NAME.test(h) && !/^\d+(\.\d+)*$/.test(h))) return null
  return `"${name}" is not a host name or IP address (give it without scheme, port, path or wildcard, e.g. myhost.local or 192.168.1.5)`
}

/**
 * The Host header values accepted for a server listening on `listenHost`:`port`.
 * @param allowedHosts extra names or addresses (each valid per allowedHostProblem).
 * @returns lower-case `name:port` entries (plus bare names when `port` is 80).
 * @throws Error naming the entry when an allowed host is not valid.
 */
export function hostAllowList(listenHost: string, port: number, allowedHosts: readonly string[] = []): Set<string> {
  for (const h of allowedHosts) {
    const problem = allowedHostProblem(h)
    if (problem) throw new Error(`Allowed hosts: ${problem}`)
  }
  const names = [...LOOPBACK_HOST_NAMES, ...(isWildcardHost(listenHost) ? [] : [listenHost]), ...allowedHosts.map((h) => h.trim())]
  const out = new Set<string>()
  for (const n of names) {
    const h = hostForUrl(n)
    out.add(`${h}:${port}`)
    if (port === 80) out.add(h)
  }
  return out
}

/** Whether a request's Host header (undefined when absent) is on the allow-list; ignores case. */
export function hostHeaderAllowed(allowList: ReadonlySet<string>, header: string | undefined): boolean {
  return header !== undefined && allowList.has(header.toLowerCase())
}
