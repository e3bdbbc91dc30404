// fileChunks reads the next chunk while the caller parses this one (two buffers): the chunks must still be the
// file's bytes in order, each intact while the caller holds it, and stopping early must close the file cleanly.
import { randomBytes } from 'node:crypto'
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
    // the read ahead goes into the other buffer while this chunk is held
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

test('stopping after the first chunk waits for the read in flight and closes the file', async () => {
  const path = join(dir, 'two.bin')
  writeFileSync(path, randomBytes(2 * (1 << 20)))
  const before = (await readdir('/proc/self/fd')).length
  for await (const chunk of fileChunks(path)) {
    expect(chunk.length).toBe(1 << 20)
    break
  }
  expect((await readdir('/proc/self/fd')).length).toBe(before)
})
