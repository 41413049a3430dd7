import t from 'tap'
import { clientKey } from '../../services/client-key.js'

t.test('clientKey - an IPv6 client is counted by its /64, whatever the spelling', async (t) => {
  const key = clientKey('2001:db8::1')
  t.equal(key, '2001:db8:0:0::/64')
  for (const same of ['2001:db8:0:0:ffff::2', '2001:0DB8:0000:0000:0000:0000:0000:0002', '2001:db8::ffff:ffff:ffff:ffff', '2001:db8::1%eth0', '2001:db8::0.0.0.1']) {
    t.equal(clientKey(same), key, `${same} shares the key`)
  }
  for (const other of ['2001:db8:0:1::1', '2001:db8:1::1', '2001:db9::1', '::1', '::']) {
    t.not(clientKey(other), key, `${other} has its own key`)
  }
  t.equal(clientKey('1:2:3:4:5:6:7:8'), '1:2:3:4::/64')
  t.equal(clientKey('1::3:4:5:6:7:8'), '1:0:3:4::/64')
  t.equal(clientKey('1:2:3::8'), '1:2:3:0::/64')
})

t.test('clientKey - an IPv4-mapped IPv6 address counts as the IPv4 address', async (t) => {
  t.equal(clientKey('203.0.113.7'), '203.0.113.7')
  t.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7')
  t.equal(clientKey('::FFFF:cb00:7107'), '203.0.113.7', 'hex spelling')
  t.equal(clientKey('0:0:0:0:0:ffff:203.0.113.7'), '203.0.113.7')
  t.not(clientKey('::ffff:0:203.0.113.7'), '203.0.113.7', 'an IPv4-translated address is not mapped')
  t.not(clientKey('64:ff9b::203.0.113.7'), '203.0.113.7', 'NAT64 addresses are IPv6 clients')
})

t.test('clientKey - something that is not an IP address is its own key', async (t) => {
  t.equal(clientKey('unknown'), 'unknown')
  t.equal(clientKey(''), '')
})
