/**
 * A probe input that could not be read. `skip` means "does not apply here" (the kernel lacks the file, no IPv6);
 * `error` means it should have been readable (permission, missing tool, malformed output). Checks that need it
 * report that status with `reason`; the run goes on.
 */
export class Unavailable extends Error {
  constructor(
    readonly kind: 'skip' | 'error',
    readonly reason: string,
  ) {
    super(reason)
    this.name = 'Unavailable'
  }
}

/** A user error: bad flag, unreadable input file, unknown namespace. Exit 2 with this one- or two-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The errno of a failed file operation, one reading everywhere: missing, denied, or another code. */
const errnoOf = (err: unknown): string | undefined => (err as { code?: string } | undefined)?.code
export const isMissing = (err: unknown): boolean => errnoOf(err) === 'ENOENT'
export const isDenied = (err: unknown): boolean => errnoOf(err) === 'EACCES' || errnoOf(err) === 'EPERM'

/** Why a file could not be read, in the words every message uses: "no such file", "permission denied", "cannot read it (EISDIR)". */
export function errnoText(err: unknown): string {
  if (isMissing(err)) return 'no such file'
  if (isDenied(err)) return 'permission denied'
  return `cannot read it (${errnoOf(err) ?? (err instanceof Error ? err.message : String(err))})`
}

/** A file the user named (--config, --baseline, --pcap) that cannot be read: exit 2, naming the flag and the fix. */
export function unreadableFile(label: string, err: unknown, fix?: string): UsageError {
  return new UsageError(`${label}: ${errnoText(err)}${fix ? `; ${fix}` : ''}`)
}
