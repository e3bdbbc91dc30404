// schema/report.schema.json, checked against every golden JSON report and a live run of every check.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Ajv2020 } from 'ajv/dist/2020.js'

import { ROOT, runCli } from '../helpers/netns.js'

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'))
const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(schema)
const problems = (report: unknown) => (validate(report) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`))

const GOLDEN = join(ROOT, 'test', 'golden')
const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.json'))

describe('the report JSON Schema', () => {
  test('there are golden reports to check', () => {
    expect(goldens.length).toBeGreaterThan(0)
  })

  test.each(goldens.map((f) => [f]))('golden %s is valid', (file) => {
    expect(problems(JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')))).toEqual([])
  })

  test('the report a snapshot keeps (report.json) is valid', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'snapshots')
    for (const snap of readdirSync(dir).filter((d) => !d.includes('.'))) {
      expect([snap, problems(JSON.parse(readFileSync(join(dir, snap, 'report.json'), 'utf8')))]).toEqual([snap, []])
    }
  })

  test('a live run of every check is valid', async () => {
    const r = await runCli(['check', '--interval', '0', '--json'])
    expect(problems(JSON.parse(r.stdout))).toEqual([])
  })

  test('it rejects what the contract forbids', () => {
    const report = JSON.parse(readFileSync(join(GOLDEN, goldens[0]), 'utf8'))
    const failing = report.findings.findIndex((f: any) => f.status === 'fail')
    const broken = structuredClone(report)
    delete broken.findings[failing].severity
    expect(problems(broken).join()).toMatch(/severity/)
    const badStatus = structuredClone(report)
    badStatus.findings[0].status = 'ok'
    expect(problems(badStatus).join()).toMatch(/status/)
    expect(problems({ ...report, exitCode: 3 }).join()).toMatch(/exitCode/)
    const badId = structuredClone(report)
    badId.findings[0].check = 'Queues_Fill'
    expect(problems(badId).join()).toMatch(/check/)
  })
})
