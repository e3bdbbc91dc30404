import { hypervisorInLog, hypervisorOfClocksources, systemOf, type SystemInputs } from '../../../src/parsers/dmi-id.js'

const bare: SystemInputs = { cpuHypervisorFlag: false, kernelRelease: '6.18.44', docker: false }

describe('systemOf: virtual or not, and whose', () => {
  test.each<[string, Partial<SystemInputs>, ReturnType<typeof systemOf>]>([
    ['bare metal', { productName: 'PowerEdge R650\n', sysVendor: 'Dell Inc.\n' }, { model: 'PowerEdge R650', virtual: false }],
    ['a QEMU/KVM guest by DMI', { productName: 'KVM\n', sysVendor: 'QEMU\n', cpuHypervisorFlag: true }, { model: 'KVM', virtual: true, virtualHost: 'KVM' }],
    ['VMware by its vendor', { productName: 'VMware Virtual Platform', sysVendor: 'VMware, Inc.', cpuHypervisorFlag: true }, { model: 'VMware Virtual Platform', virtual: true, virtualHost: 'VMware' }],
    ['Xen by its vendor', { productName: 'HVM domU', sysVendor: 'Xen', cpuHypervisorFlag: true }, { model: 'HVM domU', virtual: true, virtualHost: 'Xen' }],
    [
      'no DMI (Firecracker) inside docker: the kernel names KVM',
      { cpuHypervisorFlag: true, hypervisorDetected: 'KVM', docker: true },
      { model: 'Docker Container', virtual: true, virtualHost: 'KVM' },
    ],
    ['the kernel names Hyper-V, DMI does not', { productName: 'Virtual Machine', sysVendor: 'Microsoft Corporation', cpuHypervisorFlag: true, hypervisorDetected: 'Microsoft Hyper-V' }, { model: 'Virtual Machine', virtual: true, virtualHost: 'Microsoft Hyper-V' }],
    ['Xen HVM in the kernel log is Xen', { cpuHypervisorFlag: true, hypervisorDetected: 'Xen HVM' }, { model: 'Virtual machine', virtual: true, virtualHost: 'Xen' }],
    ['only the CPU flag: virtual, nobody named', { cpuHypervisorFlag: true }, { model: 'Computer', virtual: true }],
    ['WSL by its kernel', { kernelRelease: '5.15.153.1-microsoft-standard-WSL2' }, { model: 'WSL', virtual: true }],
  ])('%s', (_name, inputs, expected) => {
    expect(systemOf({ ...bare, ...inputs })).toEqual(expected)
  })
})

describe('the hypervisor the kernel names', () => {
  test.each<[string, string, ReturnType<typeof hypervisorInLog>]>([
    ['its own detection', '6,1,0,-;Hypervisor detected: KVM\n', { name: 'KVM', detected: true }],
    ['the paravirt boot line', '6,45,37583,-;Booting paravirtualized kernel on KVM\n', { name: 'KVM', detected: false }],
    ['a paravirt kernel on bare hardware is none', '6,45,37583,-;Booting paravirtualized kernel on bare hardware\n', undefined],
    ['any other record', '6,2000,59320725251,-;lo: left promiscuous mode\n', undefined],
  ])('%s', (_name, record, expected) => {
    expect(hypervisorInLog(record)).toEqual(expected)
  })

  test.each<[string, string | undefined]>([
    ['tsc kvm-clock \n', 'KVM'],
    ['xen tsc hpet acpi_pm\n', 'Xen'],
    ['hyperv_clocksource_tsc_page acpi_pm\n', 'Microsoft Hyper-V'],
    ['tsc hpet acpi_pm\n', undefined],
    ['', undefined],
  ])('clock sources %j: %s', (text, expected) => {
    expect(hypervisorOfClocksources(text)).toBe(expected)
  })
})
