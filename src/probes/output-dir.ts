// Writing a directory safely as root. `netdoc snapshot -o DIR` often runs as root into a shared place such as
// /tmp, where another user may have planted a symbolic link (DIR/manifest.json -> /etc/shadow) or may plant one
// while the run goes on. So: every file is created new (O_CREAT|O_EXCL) and never through a symlink
// (O_NOFOLLOW); every directory is made with mkdir and checked with lstat to be a real directory, not a link.
import { constants, createWriteStream, lstatSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync, closeSync, type WriteStream } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

import { UsageError } from '../model/errors.js'

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code

/** A directory netdoc writes into: made if missing, refused when it is a link, or not empty without `force`. */
export class OutputDir {
  private readonly made = new Set<string>()
  readonly root: string

  constructor(
    /** as the user gave it, for messages */
    readonly given: string,
    /** what the user named it by, for messages: `-o DIR` */
    private readonly flag: string,
    /** write over what is there: an entry at a path netdoc writes is removed (a link itself, never its target) */
    private readonly force = false,
  ) {
    this.root = resolve(given)
  }

  /** Checks and makes the directory itself; call once before any write. */
  prepare(): void {
    const st = lstatOrUndefined(this.root)
    if (st?.isSymbolicLink()) throw new UsageError(`${this.flag} ${this.given}: is a symbolic link; give the directory it points to, or a new path`)
    if (st && !st.isDirectory()) throw new UsageError(`${this.flag} ${this.given}: exists and is not a directory; give a new or empty directory`)
    if (st && !this.force && readdirSync(this.root).length > 0) throw new UsageError(`${this.flag} ${this.given}: directory is not empty; give a new or empty directory, or --force to write over it`)
    if (!st) {
      try {
        mkdirSync(dirname(this.root), { recursive: true })
        mkdirSync(this.root)
      } catch (err) {
        if (codeOf(err) !== 'EEXIST') throw new UsageError(`${this.flag} ${this.given}: cannot create it (${codeOf(err) ?? (err as Error).message})`)
        return this.prepare() // made by someone else meanwhile: judge it like any existing directory
      }
    }
    this.made.add(this.root)
  }

  /** Writes a new file at DIR/rel. */
  writeFile(rel: string, data: string | Uint8Array): void {
    const fd = this.openNew(rel)
    try {
      const buf = typeof data === 'string' ? Buffer.from(data) : data
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    } finally {
      closeSync(fd)
    }
  }

  /** A write stream to a new file at DIR/rel. */
  createWriteStream(rel: string): WriteStream {
    return createWriteStream('', { fd: this.openNew(rel) })
  }

  /** Removes a file netdoc wrote (a read that failed keeps only its reason). */
  remove(rel: string): void {
    unlinkSync(this.pathOf(rel))
  }

  private pathOf(rel: string): string {
    const path = join(this.root, rel)
    if (relative(this.root, path).split(sep).includes('..')) throw new Error(`not inside ${this.root}: ${rel}`)
    return path
  }

  private openNew(rel: string): number {
    const path = this.pathOf(rel)
    this.dir(dirname(path))
    try {
      return openSync(path, CREATE_NEW, 0o644)
    } catch (err) {
      if (codeOf(err) === 'EEXIST' && this.force) {
        unlinkSync(path) // a file of an earlier run, or a planted link: the link goes, its target is never touched
        return openSync(path, CREATE_NEW, 0o644)
      }
      if (codeOf(err) === 'EEXIST' || codeOf(err) === 'ELOOP') throw new UsageError(`${this.flag} ${this.given}: ${relative(this.root, path)} appeared while netdoc was writing (a planted file or link?); netdoc does not write through it`)
      throw new UsageError(`${this.flag} ${this.given}: cannot write ${relative(this.root, path)} (${codeOf(err) ?? (err as Error).message})`)
    }
  }

  /** Makes every directory from the root down to `path`, each checked to be a real directory. */
  private dir(path: string): void {
    if (this.made.has(path)) return
    if (path !== this.root) this.dir(dirname(path))
    try {
      mkdirSync(path)
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw new UsageError(`${this.flag} ${this.given}: cannot create ${relative(this.root, path)} (${codeOf(err)})`)
      const st = lstatSync(path)
      if (st.isSymbolicLink() && this.force) {
        unlinkSync(path)
        mkdirSync(path)
      } else if (!st.isDirectory() || st.isSymbolicLink()) {
        throw new UsageError(`${this.flag} ${this.given}: ${relative(this.root, path)} is a symbolic link or not a directory; netdoc does not write through it`)
      }
    }
    this.made.add(path)
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path)
  } catch (err) {
    if (codeOf(err) === 'ENOENT') return undefined
    throw err
  }
}
