// Host identity (os-release, DMI, the kernel log): on a live run it names this machine's distribution, virtualization and the
// container netdoc runs in; a snapshot records it as an artifact, so --from names the original host.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { parseHostIdentity } from '../../src/parsers/host-identity.js'
import { runCli, runJson } from '../helpers/netns.js'

/** /etc/os-release as a map (os-release(5)): what systeminformation reads too. */
function osRelease(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim())
    if (m) out[m[1]] = m[3]
  }
  return out
}

const ownContainer = existsSync('/.dockerenv') ? 'docker' : existsSync('/run/.containerenv') ? 'podman' : 'none'

describe('host identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netdoc-identity-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a live run names the distribution, release, virtualization and container of this machine', async () => {
    const { report } = await runJson(['check', '--only', 'queues.syncookies', '--interval', '0', '--fail-on', 'never'])
    const os = osRelease()
    expect(report.target.identity).toMatchObject({ distro: os.NAME, release: os.VERSION_ID, container: ownContainer })
    expect(typeof report.target.identity.virtualization).toBe('string')
  })

  test('it names this machine as systeminformation does, without its eight shells', async () => {
    const { default: si } = await import('systeminformation')
    const [os, system] = await Promise.all([si.osInfo(), si.system()])
    const theirs = parseHostIdentity(JSON.stringify({ osInfo: os, system, containerMark: ownContainer === 'none' ? null : ownContainer }))
    const { report } = await runJson(['check', '--only', 'queues.syncookies', '--interval', '0', '--fail-on', 'never'])
    const ours = report.target.identity
    expect({ ...ours, virtualization: undefined }).toEqual({ ...theirs, virtualization: undefined })
    // systeminformation names a hypervisor without DMI from the kernel log (dmesg), whose boot lines a long-running
    // host's ring drops; netdoc then reads the clock sources the hypervisor gave the kernel, which stay
    const clocksources = readFileSync('/sys/devices/system/clocksource/clocksource0/available_clocksource', 'utf8')
    const byClock = /\bkvm-clock\b/.test(clocksources) ? 'KVM' : undefined
    if (theirs.virtualization !== undefined && !['none', 'unknown hypervisor'].includes(theirs.virtualization)) expect(ours.virtualization).toBe(theirs.virtualization)
    else expect(ours.virtualization).toBe(byClock ?? theirs.virtualization)
  }, 60_000)

  test('a snapshot records it, and --from shows the recorded host, not this one', async () => {
    const snap = join(dir, 'snap')
    expect((await runCli(['snapshot', '-o', snap, '--interval', '0'])).code).toBe(0)
    const recorded = join(snap, 'sample-0', 'identity', 'host.json')
    expect(JSON.parse(readFileSync(recorded, 'utf8')).osInfo.distro).toBe(osRelease().NAME)
    // the customer's host: another distribution, a VMware guest, netdoc run inside podman
    writeFileSync(
      recorded,
      JSON.stringify({ osInfo: { distro: 'Ubuntu', release: '22.04.4 LTS', codename: 'jammy' }, system: { model: 'VMware Virtual Platform', virtual: true, virtualHost: 'VMware' }, containerMark: 'podman' }),
    )
    const { report } = await runJson(['check', '--from', snap, '--only', 'queues.syncookies', '--fail-on', 'never'])
    expect(report.target).toMatchObject({ kind: 'snapshot', identity: { distro: 'Ubuntu', release: '22.04.4 LTS', codename: 'jammy', virtualization: 'VMware', container: 'podman' } })
    const table = await runCli(['check', '--from', snap, '--only', 'queues.syncookies', '--fail-on', 'never'], { env: { COLUMNS: '200' } })
    expect(table.stdout).toMatch(/Ubuntu 22\.04\.4 LTS \(jammy\), VMware, in podman, kernel /)
    const md = await runCli(['check', '--from', snap, '--only', 'queues.syncookies', '--fail-on', 'never', '--format', 'markdown'])
    expect(md.stdout).toContain('Ubuntu 22.04.4 LTS (jammy), VMware, in podman, kernel ')
    const html = await runCli(['check', '--from', snap, '--only', 'queues.syncookies', '--fail-on', 'never', '--format', 'html'])
    expect(html.stdout).toContain('Ubuntu 22.04.4 LTS (jammy) · VMware · in podman')
  }, 60_000)
})
