// The per-CPU kernel-table statistics (/proc/net/stat/*, conntrack -S) and the per-process files of listener
// holders: the values that matter, by name, from the fixtures; malformed input throws ParseError only.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseConntrackStats } from '../../../src/parsers/conntrack-stats.js'
import { parseDmesg } from '../../../src/parsers/dmesg.js'
import { ParseError } from '../../../src/parsers/parse-error.js'
import { parseProcNetStat, sumCpus } from '../../../src/parsers/proc-net-stat.js'
import { parseChildren, parseFdinfoCloexec, parseProcPidStat } from '../../../src/parsers/proc-pid.js'
import { ROOT } from '../../helpers/netns.js'
import { testWith } from '../../helpers/requires.js'

const fixture = (folder: string, name: string) => readFileSync(join(ROOT, 'test', 'fixtures', folder, name), 'utf8')

describe('/proc/net/stat/nf_conntrack', () => {
  test('hexadecimal per CPU; entries is global, kept once, never summed', () => {
    const end = parseProcNetStat(fixture('kernel-tables', 'proc-net-stat-nf_conntrack-full-end'), '/proc/net/stat/nf_conntrack')
    expect(end.entries).toBe(262144)
    expect(end.cpus).toHaveLength(4)
    expect(end.cpus[0].entries).toBeUndefined()
    expect(sumCpus(end, 'drop')).toBe(0x110 + 0xfc + 0x11e + 0xee)
    const start = parseProcNetStat(fixture('kernel-tables', 'proc-net-stat-nf_conntrack-full-start'), '/proc/net/stat/nf_conntrack')
    expect(sumCpus(end, 'drop')! - sumCpus(start, 'drop')!).toBe(48)
    expect(sumCpus(end, 'early_drop')! - sumCpus(start, 'early_drop')!).toBe(15)
    expect(sumCpus(end, 'insert_failed')! - sumCpus(start, 'insert_failed')!).toBe(5)
  })

  test('the Linux 4.9 column set: read by header name; a column the kernel lacks is undefined', () => {
    const old = parseProcNetStat(fixture('kernel-tables', 'proc-net-stat-nf_conntrack-linux-4.9'), 'x')
    expect(old.entries).toBe(0x112)
    expect(old.cpus[0].searched).toBe(0)
    expect(sumCpus(old, 'search_restart')).toBe(6)
    expect(sumCpus(old, 'clashres')).toBeUndefined()
  })

  test('the real capture of this kernel: 20 tracked flows', () => {
    expect(parseProcNetStat(fixture('linux-6.18.44', 'proc-net-stat-nf_conntrack'), 'x').entries).toBe(20)
  })

  test.each([
    ['no header', '00000001 00000002\n'],
    ['a row shorter than the header', 'entries drop\n00000001\n'],
    ['a decimal-looking junk column', 'entries drop\n00000001 zz\n'],
    ['400 digits', `entries drop\n00000001 ${'1'.repeat(400)}\n`],
    ['empty', ''],
  ])('malformed (%s): ParseError', (_n, text) => {
    expect(() => parseProcNetStat(text, 'x')).toThrow(ParseError)
  })
})

describe('/proc/net/stat/arp_cache and ndisc_cache', () => {
  test('table_fulls per CPU, summed; entries against gc_thresh3', () => {
    const arp = parseProcNetStat(fixture('kernel-tables', 'proc-net-stat-arp_cache-overflow'), '/proc/net/stat/arp_cache')
    expect(arp.entries).toBe(1024)
    expect(sumCpus(arp, 'table_fulls')).toBe(30)
    expect(sumCpus(arp, 'forced_gc_runs')).toBe(0x61b + 0x5ee)
  })

  test("this host's own tables (a real read; only the initial namespace has them)", () => {
    for (const file of ['/proc/net/stat/arp_cache', '/proc/net/stat/ndisc_cache']) {
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        continue // no IPv6 on this host: no ndisc_cache
      }
      const t = parseProcNetStat(text, file)
      expect(t.entries).toBeGreaterThanOrEqual(0)
      expect(t.cpus.length).toBeGreaterThan(0)
      expect(sumCpus(t, 'table_fulls')).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('conntrack -S', () => {
  test('decimal key=value per CPU, the same names as procfs', () => {
    const s = parseConntrackStats(fixture('kernel-tables', 'conntrack-S-drops.out'))
    expect(s.cpus).toHaveLength(2)
    expect(s.entries).toBeUndefined()
    expect(sumCpus(s, 'drop')).toBe(638)
    expect(sumCpus(s, 'early_drop')).toBe(183)
    expect(sumCpus(s, 'insert_failed')).toBe(21)
  })

  test.each([['no cpu= line', 'found=1 drop=2\n'], ['a pair without a number', 'cpu=0 drop=x\n'], ['nothing', '\n']])('malformed (%s): ParseError', (_n, text) => {
    expect(() => parseConntrackStats(text)).toThrow(ParseError)
  })

  // conntrack -S needs CAP_NET_ADMIN: root
  testWith({ root: true, tools: ['conntrack'] }, "a real conntrack -S on this host parses, one row per CPU", () => {
    const s = parseConntrackStats(execFileSync('conntrack', ['-S'], { encoding: 'utf8' }))
    expect(s.cpus.length).toBeGreaterThan(0)
    for (const name of ['drop', 'early_drop', 'insert_failed']) expect(sumCpus(s, name)).toBeGreaterThanOrEqual(0)
  })
})

describe('/proc/PID files of listener holders', () => {
  test('stat: comm with spaces and parentheses, ppid, starttime', () => {
    const s = parseProcPidStat('4242 (my (odd) name) S 100 4242 4242 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 123456 2252800 160 18446744073709551615', 'x')
    expect(s).toEqual({ comm: 'my (odd) name', ppid: 100, startTicks: 123456 })
  })

  test("this process's own stat", () => {
    const s = parseProcPidStat(readFileSync('/proc/self/stat', 'utf8'), '/proc/self/stat')
    expect(s.ppid).toBe(process.ppid)
  })

  test('fdinfo flags: O_CLOEXEC is 02000000 (octal)', () => {
    expect(parseFdinfoCloexec('pos:\t0\nflags:\t02000002\nmnt_id:\t9\nino:\t123\n', 'x')).toBe(true)
    expect(parseFdinfoCloexec('pos:\t0\nflags:\t00000002\nmnt_id:\t9\n', 'x')).toBe(false)
    expect(() => parseFdinfoCloexec('pos:\t0\n', 'x')).toThrow(ParseError)
  })

  test('children', () => {
    expect(parseChildren('12 13 \n', 'x')).toEqual([12, 13])
    expect(parseChildren('', 'x')).toEqual([])
    expect(() => parseChildren('12 x', 'x')).toThrow(ParseError)
  })
})

test('dmesg: table-full and neighbour overflow lines counted, the last kept', async () => {
  const log = await parseDmesg([
    '[   1.0] eth0: link up',
    '[ 100.1] nf_conntrack: nf_conntrack: table full, dropping packet',
    '[ 100.2] nf_conntrack: nf_conntrack: table full, dropping packet',
    '[ 200.0] neighbour: arp_cache: neighbor table overflow!',
  ])
  expect(log.conntrackFull).toEqual({ count: 2, last: '[ 100.2] nf_conntrack: nf_conntrack: table full, dropping packet' })
  expect(log.neighbourOverflow.count).toBe(1)
})

