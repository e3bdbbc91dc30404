// The host netdoc runs on: distribution (/etc/os-release), virtualization (/sys/class/dmi/id, the kernel's "Hypervisor
// detected" boot line in /dev/kmsg or its clock sources, the CPU's hypervisor flag) and whether netdoc itself runs
// inside a container (/.dockerenv, /run/.containerenv). These are the host's files, read in-process (this is host
// identity, never a per-namespace fact); systeminformation answers only for a host without os-release.
// systeminformation read the same files through eight shells (dmidecode, dmesg, hostname -f, ...), several of them
// blocking the event loop: ~70 ms of CPU a run (docs/performance.md). The JSON keeps the shape it gave (osInfo, system,
// containerMark), so snapshots recorded before still replay; parsed by src/parsers/host-identity.ts.
import { constants } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { release } from 'node:os'

import { hypervisorInLog, hypervisorOfClocksources, systemOf } from '../parsers/dmi-id.js'
import { osInfoOf, parseOsRelease } from '../parsers/os-release.js'

/** How many kernel log records to read looking for the boot line (it is among the first hundred). */
const KMSG_RECORDS = 2000

const CLOCKSOURCES = '/sys/devices/system/clocksource/clocksource0/available_clocksource'

const readText = (path: string): Promise<string | undefined> => readFile(path, 'utf8').catch(() => undefined)
const exists = (path: string): Promise<boolean> => stat(path).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'EACCES')

/** A container runtime's mark inside its containers, checked by systeminformation's own docker test too. */
async function containerMark(): Promise<string | undefined> {
  if (await exists('/.dockerenv')) return 'docker'
  if (await exists('/run/.containerenv')) return 'podman'
  return undefined
}

/** os-release(5): /etc/os-release, else /usr/lib/os-release; systeminformation when the host has neither. */
async function osInfo(): Promise<{ distro: string; release: string; codename: string }> {
  const text = (await readText('/etc/os-release')) ?? (await readText('/usr/lib/os-release'))
  if (text !== undefined) return osInfoOf(parseOsRelease(text))
  const { default: si } = await import('systeminformation')
  const os = await si.osInfo()
  return { distro: os.distro, release: os.release, codename: os.codename }
}

/** The CPU's `hypervisor` flag, from the first processor's flags in /proc/cpuinfo. */
async function cpuHypervisorFlag(): Promise<boolean> {
  const text = await readText('/proc/cpuinfo')
  const flags = text?.split('\n').find((l) => l.startsWith('flags'))
  return flags !== undefined && / hypervisor( |$)/.test(flags)
}

/**
 * The hypervisor the kernel log's boot lines name (/dev/kmsg, one record a read, never blocking): "Hypervisor
 * detected", else the first "Booting paravirtualized kernel on". A long-running host's ring may have dropped both.
 */
async function hypervisorFromLog(): Promise<string | undefined> {
  const fh = await open('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined)
  if (!fh) return undefined
  let paravirt: string | undefined
  try {
    const buf = Buffer.alloc(8192)
    for (let i = 0; i < KMSG_RECORDS; i++) {
      let n: number
      try {
        n = (await fh.read(buf, 0, buf.length, null)).bytesRead
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') continue // a record overwritten while reading: go on
        break // EAGAIN: the end of the log
      }
      const named = hypervisorInLog(buf.toString('utf8', 0, n))
      if (named?.detected) return named.name
      paravirt ??= named?.name
    }
    return paravirt
  } finally {
    await fh.close()
  }
}

export async function hostIdentityText(): Promise<string> {
  const [os, productName, sysVendor, cpuFlag, mark, dockerinit] = await Promise.all([
    osInfo(),
    readText('/sys/class/dmi/id/product_name'),
    readText('/sys/class/dmi/id/sys_vendor'),
    cpuHypervisorFlag(),
    containerMark(),
    exists('/.dockerinit'),
  ])
  const docker = mark === 'docker' || dockerinit
  const inputs = { productName, sysVendor, cpuHypervisorFlag: cpuFlag, kernelRelease: release(), docker }
  let system = systemOf(inputs)
  // the kernel log (else the clock sources) is read only for a virtual machine that DMI does not name
  if (!system.virtualHost && cpuFlag) {
    const hypervisor = (await hypervisorFromLog()) ?? hypervisorOfClocksources((await readText(CLOCKSOURCES)) ?? '')
    if (hypervisor) system = systemOf({ ...inputs, hypervisorDetected: hypervisor })
  }
  return (
    JSON.stringify({
      osInfo: { distro: os.distro, release: os.release, codename: os.codename },
      system: { model: system.model, virtual: system.virtual, virtualHost: system.virtualHost ?? '' },
      containerMark: mark ?? null,
    }) + '\n'
  )
}
