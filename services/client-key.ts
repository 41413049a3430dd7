import { BlockList, isIP, SocketAddress } from 'node:net'

/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d): an IPv4 client seen through a dual-stack socket. */
const IPV4_MAPPED = new BlockList()
IPV4_MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6')

/**
 * The key one client is counted under by the IP limiter and the login throttle: an IPv4 address
 * as it is, an IPv6 client by its /64 (one subscriber's LAN usually gets a whole /64, so counting
 * single IPv6 addresses would give each client 2^64 budgets), an IPv4-mapped IPv6 address as the
 * IPv4 address. Parsing and canonical form come from node:net; anything that is not an IP address
 * (no socket address at all) is its own key.
 */
export function clientKey (ip: string): string {
  const family = isIP(ip)
  if (family === 4) return ip
  if (family !== 6) return ip
  // inet_ntop's canonical form: lower case, no leading zeros, the longest zero run as '::', a
  // mapped address in dotted form; the scope (%eth0) is dropped.
  const canonical = new SocketAddress({ address: ip, family: 'ipv6' }).address
  if (IPV4_MAPPED.check(canonical, 'ipv6')) return canonical.slice(canonical.lastIndexOf(':') + 1)
  return `${firstGroups(canonical, 4).join(':')}::/64`
}

/** The first `count` 16-bit groups of an address in canonical form, '::' expanded. */
function firstGroups (canonical: string, count: number): string[] {
  const [head = '', tail] = canonical.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  if (tail === undefined) return headGroups.slice(0, count)
  const tailGroups = tail === '' ? [] : tail.split(':').flatMap((group) => group.includes('.') ? ['ipv4', 'ipv4'] : [group])
  const zeros = Array.from({ length: 8 - headGroups.length - tailGroups.length }, () => '0')
  return [...headGroups, ...zeros, ...tailGroups].slice(0, count)
}
