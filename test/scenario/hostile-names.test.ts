// Process names are untrusted: any user can name a process (prctl PR_SET_NAME, /proc/self/comm; 15 bytes) and
// ss prints the name raw inside its quotes. Listeners named with escape sequences, quotes, a fake pid=, pipes, a
// newline and parentheses, each with a full accept queue, in a namespace of the test's own: every format keeps
// each socket's pid and shows the names without acting on the reader.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { XMLParser, XMLValidator } from 'fast-xml-parser'

import { describeRoot, findingsOf, runCli, runJson, TestNetns } from '../helpers/netns.js'
import { openMetricsProblems } from '../helpers/openmetrics-grammar.js'

const NAMES = [
  '\x1b[2J\x1b[31mEVIL', // clears the screen, turns it red
  'a",pid=1,fd=3),("x', // a fake attribution (the kernel keeps 15 bytes of it)
  '\x1b]0;pwned\x07', // retitles the terminal
  'a|b|c', // Markdown cell breaks
  'new\nline', // ss breaks its line inside the quotes
  'x)y",pid=2', // ss cuts a name at its first )
  '<b>&amp;', // markup
  '</script><svg>', // ends the HTML report's data script, if it could
]
const BASE = 8200

describeRoot('hostile process names', () => {
  let ns: TestNetns
  const listeners: Array<{ port: number; pid: number; comm: string }> = []

  beforeAll(async () => {
    ns = await TestNetns.create('names')
    for (const [i, name] of NAMES.entries()) {
      const port = BASE + i
      const child = await ns.node('stuck-listener.cjs', ['127.0.0.1', port, 1, 60, Buffer.from(name).toString('hex')])
      // what the kernel kept of the name (15 bytes), as ss will see it
      const comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').replace(/\n$/, '')
      listeners.push({ port, pid: child.pid!, comm })
      // more connections than the backlog, held: the accept queue stays full
      await ns.node('connect-burst.cjs', ['127.0.0.1', port, 6, 10, 60000], { waitReady: false })
    }
    expect(listeners[0].comm).toBe(NAMES[0])
    await new Promise((r) => setTimeout(r, 500))
  }, 60000)

  afterAll(async () => ns?.cleanup())

  const run = (format: string) => runCli(['queues', '--netns', ns.name, '--interval', '0', '--only', 'queues.accept-queue-fill', '--format', format])

  test('json: every full listener is named with its own pid, and its name as the kernel holds it', async () => {
    const { report } = await runJson(['queues', '--netns', ns.name, '--interval', '0', '--only', 'queues.accept-queue-fill'])
    const findings = findingsOf(report, 'queues.accept-queue-fill')
    for (const l of listeners) {
      const f = findings.find((x: any) => x.subject.local === `127.0.0.1:${l.port}`)
      expect(f).toMatchObject({ status: 'fail', severity: 'critical', subject: { pid: l.pid } })
      // ss reads the name up to its first ")": what is left is a prefix of the kernel's
      expect(l.comm.startsWith(f.subject.process)).toBe(true)
      expect(f.subject.process.length).toBeGreaterThan(0)
    }
    expect(report.findings.filter((f: any) => f.subject.pid === 1 || f.subject.pid === 2)).toEqual([])
  })

  test('table: no raw control byte, the names shown as \\x1b text with their pids', async () => {
    const { code, stdout } = await run('table')
    expect(code).toBe(1)
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/)
    expect(stdout).toContain(`(\\x1b[2J\\x1b[31mEVIL, pid ${listeners[0].pid})`)
    expect(stdout).toContain(`(\\x1b]0;pwned\\x07, pid ${listeners[2].pid})`)
    expect(stdout).toContain(`(new\\x0aline, pid ${listeners[4].pid})`)
  })

  test('markdown: no raw control byte, one table row per finding, pipes escaped', async () => {
    const { stdout } = await run('markdown')
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/)
    for (const l of listeners) {
      const rows = stdout.split('\n').filter((r) => r.startsWith('|') && r.includes(`127.0.0.1:${l.port} `))
      expect(rows).toHaveLength(1)
      expect(rows[0]).toContain(`pid ${l.pid})`)
      // four cells: the row's own pipes are the only unescaped ones
      expect(rows[0].split(/(?<!\\)\|/).length - 2).toBe(4)
    }
    expect(stdout).not.toContain('<b>')
  })

  test('junit: well-formed XML 1.0 that parses back to the escaped names', async () => {
    const { stdout } = await run('junit')
    expect(XMLValidator.validate(stdout)).toBe(true)
    expect(stdout).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/)
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: true }).parse(stdout)
    const suites = [xml.testsuites.testsuite].flat()
    const cases = suites.flatMap((s: any) => [s.testcase].flat())
    const evil = cases.find((c: any) => c.name.includes(`127.0.0.1:${BASE}`))
    expect(evil.name).toContain('\\x1b[2J\\x1b[31mEVIL')
    expect(cases.filter((c: any) => c.classname === 'queues.accept-queue-fill')).toHaveLength(NAMES.length)
  })

  test('openmetrics: the exposition parses, label values escaped', async () => {
    const { stdout } = await run('openmetrics')
    expect(openMetricsProblems(stdout)).toEqual([])
    expect(stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/)
    const line = stdout.split('\n').find((l) => l.startsWith('netdoc_finding{') && l.includes(`local="127.0.0.1:${BASE + 1}"`))!
    expect(line).toContain('process="a\\",pid=1,fd=3"')
    expect(stdout.split('\n').filter((l) => l.startsWith('netdoc_finding{') && l.includes('accept-queue-fill'))).toHaveLength(NAMES.length)
  })
})

describeRoot('a process name with a CR, recorded in a snapshot', () => {
  // ss prints the CR raw; the live reader ends lines at LF alone, and the replay must read the same lines
  const NAME = 'cr\rleak'
  let ns: TestNetns
  let dir: string
  let pid: number
  beforeAll(async () => {
    ns = await TestNetns.create('crname')
    dir = mkdtempSync(join(tmpdir(), 'netdoc-crname-'))
    const server = await ns.node('leaky-server.cjs', ['127.0.0.1', 9100, 60, Buffer.from(NAME).toString('hex')])
    pid = server.pid!
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8')).toBe(`${NAME}\n`)
    await ns.node('hold-connections.cjs', ['127.0.0.1', 9100, 20, 60, 'close'])
    await new Promise((r) => setTimeout(r, 300)) // the FINs cross loopback
  }, 30000)
  afterAll(async () => {
    await ns?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('the live run and the replay of its snapshot attribute the CLOSE_WAIT leak to the same pid and name', async () => {
    const only = ['--interval', '0', '--only', 'sockets.close-wait']
    const live = await runJson(['check', '--netns', ns.name, ...only])
    const snapshot = join(dir, 'snapshot')
    expect((await runCli(['snapshot', '--netns', ns.name, '--interval', '0', '-o', snapshot])).code).toBe(0)
    const replay = await runJson(['check', '--from', snapshot, ...only])
    const held = (report: any) => findingsOf(report, 'sockets.close-wait').filter((f: any) => f.status === 'fail').map((f: any) => [f.subject, f.message])
    expect(held(live.report)).toEqual([[{ side: 'server', local: '127.0.0.1:9100', pid, process: NAME }, expect.stringMatching(/^20 CLOSE_WAIT sockets held by cr\rleak /)]])
    expect(held(replay.report)).toEqual(held(live.report))
  })
})

describeRoot('hostile process names in the HTML report', () => {
  let ns: TestNetns
  beforeAll(async () => {
    ns = await TestNetns.create('htmlnames')
    for (const [i, name] of NAMES.entries()) {
      await ns.node('stuck-listener.cjs', ['127.0.0.1', BASE + i, 1, 60, Buffer.from(name).toString('hex')])
      await ns.node('connect-burst.cjs', ['127.0.0.1', BASE + i, 6, 10, 60000], { waitReady: false })
    }
    await new Promise((r) => setTimeout(r, 500))
  }, 60000)
  afterAll(async () => ns?.cleanup())

  test('html: no markup or control byte from a name, the data script not closed, the names read back exactly', async () => {
    const args = ['queues', '--netns', ns.name, '--interval', '0', '--only', 'queues.accept-queue-fill']
    const [{ stdout }, { report }] = await Promise.all([runCli([...args, '--format', 'html']), runJson(args)])
    expect(stdout).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/)
    expect(stdout).not.toContain('<svg>')
    expect(stdout).not.toContain('<b>&amp;')
    // the data, uPlot and the page's own script: a name opened or closed none
    expect(stdout.match(/<script/g)).toHaveLength(3)
    expect(stdout.match(/<\/script>/g)).toHaveLength(3)
    const data = JSON.parse(stdout.match(/<script type="application\/json" id="netdoc-data">([^<]*)<\/script>/)![1])
    const names = (r: any) => findingsOf(r, 'queues.accept-queue-fill').map((f: any) => `${f.subject.pid} ${f.subject.process}`).sort()
    expect(names(data.report)).toEqual(names(report))
    expect(names(report).some((n: string) => n.endsWith(' </script><svg>'))).toBe(true)
  })
})

describeRoot('hostile interface names', () => {
  let ns: TestNetns
  // an interface name may hold anything but /, : and spaces (dev_valid_name)
  const NAME = '\x1b[2Jev|l'

  beforeAll(async () => {
    ns = await TestNetns.create('ifnames')
    await ns.exec(['ip', 'link', 'add', 'name', NAME, 'type', 'veth', 'peer', 'name', 'p0'])
  })
  afterAll(async () => ns?.cleanup())

  test('the buffers view lists it, escaped; no format carries a raw control byte', async () => {
    const table = await runCli(['buffers', '--netns', ns.name, '--interval', '0'])
    expect(table.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/)
    // idle interfaces are folded into one line of names: the name is there, escaped
    expect(table.stdout).toMatch(/no packets and no drops: .*\\x1b\[2Jev\|l/)
    for (const format of ['markdown', 'openmetrics', 'junit']) {
      const r = await runCli(['buffers', '--netns', ns.name, '--interval', '0', '--format', format])
      expect([format, r.stdout]).not.toEqual([format, expect.stringMatching(/[\x00-\x08\x0b\x0c\x0e-\x1f]/)])
    }
  })
})
