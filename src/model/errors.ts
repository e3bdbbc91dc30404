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
