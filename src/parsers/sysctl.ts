// sysctl values as read from /proc/sys (Documentation/networking/ip-sysctl.rst). Names are dotted.

export const sysctlPath = (name: string): string => '/proc/sys/' + name.replaceAll('.', '/')
export const sysctlName = (path: string): string => path.replace(/^\/proc\/sys\//, '').replaceAll('/', '.')

/** The first number of a value (tcp_rmem "4096 131072 6291456" → 4096), or undefined. */
export function sysctlNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value.trim().split(/\s+/)[0])
  return Number.isFinite(n) ? n : undefined
}

/** All numbers of a value: "32768\t60999" → [32768, 60999]. */
export function sysctlNumbers(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined
  const parts = value.trim().split(/\s+/).map(Number)
  return parts.every(Number.isFinite) ? parts : undefined
}
