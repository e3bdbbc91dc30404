// The host netdoc runs on, as systeminformation sees it: distribution, virtualization, and whether netdoc itself
// runs inside a container. systeminformation reads the host's files in-process (and cannot see into another
// network namespace), so this is host identity only, never a per-namespace fact. Imported lazily: ~30 ms
// to import, ~40 ms of CPU to ask (docs/performance.md). Raw JSON, parsed by src/parsers/host-identity.ts.
import { readFile } from 'node:fs/promises'

/** A container runtime's mark inside its containers, checked by systeminformation's own docker test too. */
async function containerMark(): Promise<string | undefined> {
  const marks: Array<[string, string]> = [
    ['/.dockerenv', 'docker'],
    ['/run/.containerenv', 'podman'],
  ]
  for (const [path, runtime] of marks) {
    try {
      await readFile(path)
      return runtime
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR' || (err as NodeJS.ErrnoException).code === 'EACCES') return runtime
    }
  }
  return undefined
}

export async function hostIdentityText(): Promise<string> {
  const { default: si } = await import('systeminformation')
  const [os, system, mark] = await Promise.all([si.osInfo(), si.system(), containerMark()])
  return (
    JSON.stringify({
      osInfo: { distro: os.distro, release: os.release, codename: os.codename },
      system: { model: system.model, virtual: system.virtual, virtualHost: system.virtualHost },
      containerMark: mark ?? null,
    }) + '\n'
  )
}
