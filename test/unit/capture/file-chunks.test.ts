// fileChunks reads the file into one buffer, a chunk at a time, and lets the event loop turn every few chunks: the
// chunks must be the file's bytes in order, each intact while the caller holds it (awaiting other work meanwhile),
// and stopping early must close the file.
import { randomBytes } from 'node:crypto'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { fileChunks } from '../../../src/capture/file-chunks.js'

const dir = mkdtempSync(join(tmpdir(), 'netdoc-chunks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('the chunks are the whole file in order, and a chunk stays intact until the next is asked for', async () => {
  const data = randomBytes(3 * (1 << 20) + 12345)
  const path = join(dir, 'three-and-a-bit.bin')
  writeFileSync(path, data)
  const parts: Buffer[] = []
  for await (const chunk of fileChunks(path)) {
    const copy = Buffer.from(chunk)
    // other work while this chunk is held
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(Buffer.compare(copy, chunk)).toBe(0)
    parts.push(copy)
  }
  expect(parts.map((p) => p.length)).toEqual([1 << 20, 1 << 20, 1 << 20, 12345])
  expect(Buffer.compare(Buffer.concat(parts), data)).toBe(0)
})

test('an empty file gives no chunk', async () => {
  const path = join(dir, 'empty.bin')
  writeFileSync(path, '')
  const chunks: Uint8Array[] = []
  for await (const chunk of fileChunks(path)) chunks.push(chunk)
  expect(chunks).toEqual([])
})

test('stopping after the first chunk closes the file', async () => {
  const path = join(dir, 'two.bin')
  writeFileSync(path, randomBytes(2 * (1 << 20)))
  const before = (await readdir('/proc/self/fd')).length
  for await (const chunk of fileChunks(path)) {
    expect(chunk.length).toBe(1 << 20)
    break
  }
  expect((await readdir('/proc/self/fd')).length).toBe(before)
})

test('the event loop turns while a big file is read: a timer set before the first chunk fires before the last', async () => {
  const path = join(dir, 'twenty.bin')
  writeFileSync(path, randomBytes(20 * (1 << 20)))
  let fired = false
  setTimeout(() => (fired = true), 0)
  let chunks = 0
  let firedBy = -1
  for await (const chunk of fileChunks(path)) {
    expect(chunk.length).toBe(1 << 20)
    chunks++
    if (fired && firedBy < 0) firedBy = chunks
  }
  expect(chunks).toBe(20)
  expect(firedBy).toBeGreaterThan(0)
  expect(firedBy).toBeLessThan(20)
})

test('a file that is not there fails with its errno at the first chunk', async () => {
  const it = fileChunks(join(dir, 'missing.bin'))[Symbol.asyncIterator]()
  await expect(it.next()).rejects.toMatchObject({ code: 'ENOENT' })
})

test('a pipe (--pcap <(tcpdump -w -), /dev/stdin) is read whole, in the short reads it gives', async () => {
  const data = randomBytes(3 * (1 << 20) + 777)
  const src = join(dir, 'piped.bin')
  writeFileSync(src, data)
  const fifo = join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  // the writer (another process) opens the pipe first: opening it for reading waits for a writer
  const writer = spawn(process.execPath, ['-e', `const fs = require('fs'); const d = fs.readFileSync(${JSON.stringify(src)}); const fd = fs.openSync(${JSON.stringify(fifo)}, 'w'); for (let i = 0; i < d.length; i += 100000) fs.writeSync(fd, d.subarray(i, i + 100000)); fs.closeSync(fd)`], { stdio: 'ignore' })
  const parts: Buffer[] = []
  try {
    for await (const chunk of fileChunks(fifo)) parts.push(Buffer.from(chunk))
  } finally {
    if (writer.exitCode === null) writer.kill('SIGKILL')
  }
  expect(parts.length).toBeGreaterThan(4)
  expect(Buffer.compare(Buffer.concat(parts), data)).toBe(0)
}, 30_000)
