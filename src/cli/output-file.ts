// `-o/--output FILE`: the report written atomically. A textfile collector (node_exporter) or a browser may read
// FILE at any moment, so it must see the old file or the new one, never half of one: the text goes to a new
// temporary file in the same directory (same filesystem, so rename is atomic), created exclusively and never
// through a planted symlink, and is renamed over FILE only once complete.
import { accessSync, closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, resolve } from 'node:path'

import { UsageError } from '../model/errors.js'

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message

/** Fails with exit 2 before the run when FILE cannot be written: its directory missing or not writable, FILE a directory. */
export function checkOutputPath(file: string, flag = '-o/--output'): void {
  const dir = dirname(resolve(file))
  let st
  try {
    st = statSync(dir)
  } catch {
    throw new UsageError(`${flag} ${file}: directory ${dir} does not exist; create it first or name a file in an existing directory`)
  }
  if (!st.isDirectory()) throw new UsageError(`${flag} ${file}: ${dir} is not a directory`)
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
  } catch {
    throw new UsageError(`${flag} ${file}: directory ${dir} is not writable; name a file in a directory you can write`)
  }
  const target = lstatOrUndefined(resolve(file))
  if (target?.isDirectory()) throw new UsageError(`${flag} ${file}: is a directory; name a file`)
}

/** Writes text to FILE through a temporary file beside it and a rename. */
export function writeFileAtomically(file: string, text: string, flag = '-o/--output'): void {
  checkOutputPath(file, flag)
  const path = resolve(file)
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  let fd: number
  try {
    fd = openSync(tmp, CREATE_NEW, 0o644)
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot create a temporary file in ${dirname(path)} (${codeOf(err)})`)
  }
  try {
    try {
      const buf = Buffer.from(text)
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
      fsyncSync(fd) // the data is on disk before the name points at it
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      // already gone
    }
    throw new UsageError(`${flag} ${file}: cannot write it (${codeOf(err)})`)
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}
