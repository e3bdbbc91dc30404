import { parseHostPort } from '../../../src/engine/units.js'
import { UsageError } from '../../../src/model/errors.js'

describe('parseHostPort', () => {
  test.each([
    ['127.0.0.1:8080', '127.0.0.1', 8080, '127.0.0.1:8080'],
    ['[::1]:443', '::1', 443, '[::1]:443'],
    ['[fe80::1]:1', 'fe80::1', 1, '[fe80::1]:1'],
    ['db.internal:5432', 'db.internal', 5432, 'db.internal:5432'],
    ['localhost:65535', 'localhost', 65535, 'localhost:65535'],
  ])('%s', (text, host, port, label) => {
    expect(parseHostPort(text)).toEqual({ host, port, label })
  })

  test.each([
    ['127.0.0.1', /expected HOST:PORT/],
    ['::1:80', /IPv6 addresses in brackets/],
    ['[::1]', /expected HOST:PORT/],
    ['[nope]:80', /not an IPv6 address/],
    ['127.0.0.1:0', /port 0 is out of range/],
    ['127.0.0.1:65536', /port 65536 is out of range/],
    ['host:http', /expected HOST:PORT/],
    ['-x:80', /not a host name/],
    ['a b:80', /not a host name/],
  ])('%s is a usage error', (text, msg) => {
    expect(() => parseHostPort(text)).toThrow(UsageError)
    expect(() => parseHostPort(text)).toThrow(msg)
  })
})
