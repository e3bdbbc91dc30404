// The one runner of external commands (execa): real commands, no mocks. Streaming, failures named by command,
// exit code and stderr, timeouts, and a child killed when its reader stops early.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import fc from 'fast-check'

import { Unavailable } from '../../../src/model/errors.js'
import { chunkLines, commandLineBatches, commandLines, commandText, runCommand } from '../../../src/probes/exec.js'

const node = process.execPath

async function rejection(p: Promise<unknown>): Promise<Unavailable> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof Unavailable)) throw new Error(`expected Unavailable, got ${String(err)}`)
  return err
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('commands through execa', () => {
  test('lines are streamed as the command prints them, and the whole text keeps its last newline', async () => {
    const lines: string[] = []
    for await (const l of commandLines([node, '-e', 'for (let i = 0; i < 50000; i++) console.log("line " + i)'])) lines.push(l)
    expect(lines).toHaveLength(50000)
    expect(lines[49999]).toBe('line 49999')
    expect(await commandText(['printf', 'a\\nb\\n'])).toBe('a\nb\n')
    expect(await commandText(['true'])).toBe('')
  })

  test('a missing command names itself and the install', async () => {
    const e = await rejection(commandText(['ss-not-installed-here']))
    expect(e.kind).toBe('error')
    expect(e.reason).toBe('`ss-not-installed-here` not found: install ss-not-installed-here')
    expect((await rejection(commandText(['ethtool-x']))).reason).toMatch(/not found/)
  })

  test('a failing command is named as the caller describes it, with the first line of its stderr', async () => {
    const e = await rejection(commandText([node, '-e', 'console.error("ss: no such table\\nsecond"); process.exit(3)'], { describe: 'ss -tan' }))
    expect(e.reason).toBe('ss -tan failed: ss: no such table')
    const quiet = await rejection(commandText([node, '-e', 'process.exit(4)'], { describe: 'ip link' }))
    expect(quiet.reason).toBe('ip link failed: exit code 4')
  })

  test('a command past its timeout is killed and says so', async () => {
    const e = await rejection(commandText(['sleep', '30'], { timeoutMs: 300, describe: 'sleep 30' }))
    expect(e.reason).toBe('sleep 30 did not finish within 0.3 s (killed)')
    const r = await runCommand(['sleep', '30'], { timeoutMs: 300 })
    expect(r).toMatchObject({ timedOut: true, missing: false, exitCode: undefined })
  })

  test('runCommand returns how a command ended without throwing', async () => {
    expect(await runCommand([node, '-e', 'process.stdout.write("42\\n"); process.stderr.write("warn"); process.exit(1)'])).toEqual({
      exitCode: 1,
      stdout: '42',
      stderr: 'warn',
      missing: false,
      timedOut: false,
    })
    expect(await runCommand(['no-such-runtime-here', 'inspect'])).toMatchObject({ missing: true, exitCode: undefined })
  })

  test('a reader that stops early kills the command instead of leaving it blocked on a full pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdoc-exec-'))
    const pidFile = join(dir, 'pid')
    try {
      // it survives a closed pipe (EPIPE ignored, a timer keeps it alive): only the kill ends it
      const program = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.stdout.on('error', () => setInterval(() => {}, 1000)); const b = 'x'.repeat(100) + '\\n'; (function w() { while (process.stdout.write(b)); process.stdout.once('drain', w) })()`
      let n = 0
      for await (const _ of commandLines([node, '-e', program])) if (++n === 10) break
      expect(n).toBe(10)
      const pid = Number(readFileSync(pidFile, 'utf8'))
      // bounded: the kill is sent before the loop above returns; the kernel reaps within moments
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20))
      expect(alive(pid)).toBe(false)
    } finally {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true })
    }
  })
})

async function* chunksOf(parts: string[]): AsyncIterable<string> {
  for (const p of parts) yield p
}

describe('line batches', () => {
  test('whatever the chunk boundaries, the batches are the lines of the whole text (CRLF read as LF; at LF alone, every CR kept)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n'), { maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 8 }), async (pieces, cuts) => {
        const text = pieces.join('')
        const at = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b)
        const parts = [0, ...at].map((from, i) => text.slice(from, [...at, text.length][i]))
        const got: string[] = []
        for await (const batch of chunkLines(chunksOf(parts))) got.push(...batch)
        const lines = text.split('\n')
        if (lines[lines.length - 1] === '') lines.pop()
        expect(got).toEqual(lines.map((l) => l.replace(/\r$/, ''))) // one CR before each line end
        const atLf: string[] = []
        for await (const batch of chunkLines(chunksOf(parts), 'lf')) atLf.push(...batch)
        expect(atLf).toEqual(lines)
      }),
      { numRuns: 300 },
    )
  })

  test("a command's batches hold every line of its output, fewer batches than lines", async () => {
    const batches: string[][] = []
    for await (const b of commandLineBatches([node, '-e', 'for (let i = 0; i < 20000; i++) console.log(i)'])) batches.push(b)
    const lines = batches.flat()
    expect(lines).toHaveLength(20000)
    expect(lines[0]).toBe('0')
    expect(lines[19999]).toBe('19999')
    expect(batches.length).toBeLessThan(lines.length / 10)
  })
})
