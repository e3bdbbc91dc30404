// Whether the host is a virtual machine, and whose: /sys/class/dmi/id/product_name and sys_vendor (SMBIOS, as
// dmidecode shows them) by systeminformation's rules (its system() reads the same), then the hypervisor the kernel
// names (its "Hypervisor detected: KVM" or "Booting paravirtualized kernel on KVM" boot lines, or, once a long-running
// host's log ring has dropped those, the clock source the hypervisor gave it), then the CPU's `hypervisor` flag
// (/proc/cpuinfo: CPUID leaf 1 ECX bit 31, set by every mainstream hypervisor, naming none). Pure.

export interface SystemInputs {
  /** /sys/class/dmi/id/product_name, undefined where there is no DMI (Firecracker, most ARM boards) */
  productName?: string
  /** /sys/class/dmi/id/sys_vendor */
  sysVendor?: string
  /** the hypervisor the kernel names (hypervisorInLog, else hypervisorOfClocksources) */
  hypervisorDetected?: string
  /** /proc/cpuinfo lists the `hypervisor` flag */
  cpuHypervisorFlag: boolean
  /** uname -r: WSL's kernel says "microsoft" */
  kernelRelease: string
  /** /.dockerenv or /.dockerinit exists */
  docker: boolean
}

/** systeminformation's system() fields that netdoc keeps: model, virtual, virtualHost. */
export interface SystemIdentity {
  model: string
  virtual: boolean
  virtualHost?: string
}

const VIRTUAL_MODELS = ['virtualbox', 'kvm', 'virtual machine', 'bochs']

/**
 * The hypervisor a kernel log record names: "Hypervisor detected: X" (arch/x86/kernel/cpu/hypervisor.c) is the
 * kernel's own detection; "Booting paravirtualized kernel on X" (arch/x86/kernel/paravirt.c) says the same a moment
 * later, and "bare hardware" there is no hypervisor.
 */
export function hypervisorInLog(record: string): { name: string; detected: boolean } | undefined {
  const detected = /Hypervisor detected: ([^\n]+)/.exec(record)
  if (detected) return { name: detected[1].trim(), detected: true }
  const paravirt = /Booting paravirtualized kernel on ([^\n]+)/.exec(record)
  const name = paravirt?.[1].trim()
  return name && name !== 'bare hardware' ? { name, detected: false } : undefined
}

/**
 * The hypervisor behind the clock sources a guest kernel was given
 * (/sys/devices/system/clocksource/clocksource0/available_clocksource): KVM's kvm-clock, Xen's xen, Hyper-V's
 * hyperv_clocksource_*. They stay when the boot lines have left the log.
 */
export function hypervisorOfClocksources(text: string): string | undefined {
  const sources = text.trim().split(/\s+/)
  if (sources.includes('kvm-clock')) return 'KVM'
  if (sources.includes('xen')) return 'Xen'
  if (sources.some((s) => s.startsWith('hyperv_clocksource'))) return 'Microsoft Hyper-V'
  return undefined
}
const HOST_BY_MODEL: Record<string, string> = { virtualbox: 'VirtualBox', vmware: 'VMware', kvm: 'KVM', bochs: 'bochs' }

/** The hypervisor the kernel names ("Xen HVM", "Microsoft Hyper-V"), in systeminformation's words where it has them. */
function kernelHypervisor(name: string): string {
  const n = name.toLowerCase()
  const known = (['VMware', 'QEMU', 'Xen', 'KVM'] as const).find((h) => n.includes(h.toLowerCase()))
  return known ?? name.trim()
}

export function systemOf(i: SystemInputs): SystemIdentity {
  const model = i.productName?.trim() || 'Computer'
  const m = model.toLowerCase()
  const vendor = (i.sysVendor ?? '').trim().toLowerCase()
  const out: SystemIdentity = { model, virtual: false }
  if (VIRTUAL_MODELS.includes(m) || m.startsWith('vmware') || m.startsWith('droplet')) {
    out.virtual = true
    if (HOST_BY_MODEL[m]) out.virtualHost = HOST_BY_MODEL[m]
  }
  if (vendor.startsWith('vmware') || vendor === 'xen') {
    out.virtual = true
    out.virtualHost = vendor === 'xen' ? 'Xen' : 'VMware'
  }
  const release = i.kernelRelease.toLowerCase()
  if (!out.virtual && (release.includes('microsoft') || release.endsWith('wsl2'))) Object.assign(out, { virtual: true, model: 'WSL' })
  if (i.docker) out.model = 'Docker Container'
  if (i.hypervisorDetected) {
    if (out.model === 'Computer') out.model = 'Virtual machine'
    out.virtual = true
    out.virtualHost ??= kernelHypervisor(i.hypervisorDetected)
  } else if (i.cpuHypervisorFlag) out.virtual = true
  return out
}
