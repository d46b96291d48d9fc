/**
 * The Host allow-list of browser mode: loopback detection, the rules for allowed hosts, and the set
 * of Host headers accepted, which a wildcard listen address never turns into "any".
 */
import { describe, expect, it } from 'vitest'
import { allowedHostProblem, hostAllowList, hostHeaderAllowed, isLoopbackHost, isWildcardHost } from '../../../src/host/host-allow-list'

describe('host allow-list', () => {
  it('tells loopback listen addresses from those reaching the network', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true)
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'myhost.local', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false)
    expect(isWildcardHost('0.0.0.0')).toBe(true)
    expect(isWildcardHost('::')).toBe(true)
    expect(isWildcardHost('192.168.1.5')).toBe(false)
  })

  it('keeps the Host check on a wildcard address: loopback names and the allowed hosts, with the port', () => {
    const allow = hostAllowList('0.0.0.0', 5173, ['myhost.local', '192.168.1.5', 'fe80::1'])
    expect([...allow].sort()).toEqual(
      ['127.0.0.1:5173', '192.168.1.5:5173', '[::1]:5173', '[fe80::1]:5173', 'localhost:5173', 'myhost.local:5173'].sort()
    )
    expect(hostHeaderAllowed(allow, 'myhost.local:5173')).toBe(true)
    expect(hostHeaderAllowed(allow, 'MYHOST.local:5173')).toBe(true)
    expect(hostHeaderAllowed(allow, 'evil.example:5173')).toBe(false)
    expect(hostHeaderAllowed(allow, '0.0.0.0:5173')).toBe(false)
    expect(hostHeaderAllowed(allow, 'myhost.local:5174')).toBe(false)
    expect(hostHeaderAllowed(allow, 'myhost.local')).toBe(false)
    expect(hostHeaderAllowed(allow, undefined)).toBe(false)
    expect(hostHeaderAllowed(hostAllowList('::', 5173), 'evil.example:5173')).toBe(false)
  })

  it('adds a specific listen address, and bare names on port 80 (browsers omit it)', () => {
    expect(hostHeaderAllowed(hostAllowList('192.168.1.5', 8080, ['myhost.local']), '192.168.1.5:8080')).toBe(true)
    const on80 = hostAllowList('0.0.0.0', 80, ['myhost.local'])
    expect(hostHeaderAllowed(on80, 'myhost.local')).toBe(true)
    expect(hostHeaderAllowed(on80, 'localhost')).toBe(true)
    expect(hostHeaderAllowed(on80, 'myhost.local:80')).toBe(true)
  })

  it('accepts host names and IP addresses as allowed hosts, and names what is wrong with anything else', () => {
    for (const h of ['myhost.local', 'MyHost', 'a-b.example.com', '192.168.1.5', 'fe80::1', '[fe80::1]']) expect(allowedHostProblem(h), h).toBeNull()
    expect(allowedHostProblem('')).toMatch(/empty/)
    expect(allowedHostProblem('0.0.0.0')).toMatch(/wildcard address/)
    expect(allowedHostProblem('*')).toMatch(/not a host name or IP address/)
    expect(allowedHostProblem('myhost.local:5173')).toMatch(/without scheme, port, path or wildcard/)
    expect(allowedHostProblem('http://myhost.local')).toMatch(/not a host name/)
    expect(allowedHostProblem('myhost.local/x')).toMatch(/not a host name/)
    expect(allowedHostProblem('*.local')).toMatch(/not a host name/)
    expect(allowedHostProblem('999.1.1.1')).toMatch(/not a host name/)
    expect(() => hostAllowList('0.0.0.0', 1, ['ok.local', 'bad host'])).toThrow(/Allowed hosts: "bad host" is not a host name/)
  })
})
