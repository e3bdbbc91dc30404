// oclif's own conventions, run as a user would: a mistyped command suggests the right one (and never waits for
// an answer without a terminal), shell completion, and the generated command reference kept current.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { spawn } from 'node:child_process'

import { ROOT, runCli } from '../helpers/netns.js'
import { testWith } from '../helpers/requires.js'

function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
    })
  })
}

/** Every file under dir, bounded (the autocomplete cache is a handful of files). */
function filesUnder(dir: string, depth = 5): string[] {
  if (depth === 0) return []
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p, depth - 1) : [p]
  })
}

describe('a mistyped command (@oclif/plugin-not-found)', () => {
  test('netdoc chek suggests check and exits 2 without waiting for input', async () => {
    // runCli's stdin is a pipe, as in CI: a prompt would wait until the 60 s timeout (exit -1)
    const r = await runCli(['chek'], { timeoutMs: 20_000 })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/chek is not a netdoc command; did you mean `netdoc check`\?/)
    expect(r.stderr.trim().split('\n')).toHaveLength(2)
    expect(r.stdout).toBe('')
  })

  test('a word close to nothing gets no suggestion', async () => {
    const r = await runCli(['xyzzyplugh'], { timeoutMs: 20_000 })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/xyzzyplugh is not a netdoc command\n/)
    expect(r.stderr).not.toMatch(/did you mean/)
  })
})

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `input` into it; bounded by a timeout. */
function onTerminal(args: string[], input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const command = [process.execPath, join(ROOT, 'bin', 'run.js'), ...args].map((w) => `'${w}'`).join(' ')
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdin.write(input)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

testWith({ tools: ['script'] }, 'at a terminal plugin-not-found asks "Did you mean check?"; answering no is exit 2', async () => {
  const r = await onTerminal(['chek'], 'n\n')
  expect(r.output).toMatch(/Did you mean .*check/)
  expect(r.code).toBe(2)
}, 40_000)

describe('shell completion (@oclif/plugin-autocomplete)', () => {
  let cache: string
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'netdoc-ac-'))
  })
  afterAll(() => rmSync(cache, { recursive: true, force: true }))

  test('netdoc autocomplete bash prints the set-up and builds a completion of every command and flag', async () => {
    const env = { XDG_CACHE_HOME: cache, HOME: cache }
    const r = await runCli(['autocomplete', 'bash'], { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('netdoc autocomplete script bash')
    const script = await runCli(['autocomplete', 'script', 'bash'], { env })
    expect(script.code).toBe(0)
    expect(script.stdout).toMatch(/NETDOC_AC_BASH_(SETUP|COMPFUNC)_PATH=/)
    const fn = filesUnder(cache).find((f) => f.endsWith(join('functions', 'bash', 'netdoc.bash')))
    expect(fn).toBeDefined()
    // bash completes with it: commands from a prefix, and this build's flags
    const complete = async (...words: string[]) => {
      const probe = `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _netdoc_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`
      const r = await run(['bash', '-c', probe, 'complete', fn!])
      expect(r.stderr).toBe('')
      return r.stdout.trim().split('\n').sort()
    }
    expect(await complete('netdoc', 'che')).toEqual(['check', 'checks'])
    expect(await complete('netdoc', 'check', '--cont')).toEqual(['--container'])
  })
})

describe('the command reference (oclif readme)', () => {
  test('docs/commands.md is what `npm run readme` generates from the built commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdoc-readme-'))
    try {
      const committed = readFileSync(join(ROOT, 'docs', 'commands.md'), 'utf8')
      const fresh = join(dir, 'commands.md')
      writeFileSync(fresh, committed)
      const r = await run([process.execPath, join(ROOT, 'node_modules', 'oclif', 'bin', 'run.js'), 'readme', '--readme-path', fresh, '--no-aliases'], {
        COLUMNS: '120',
        OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
      })
      expect(r.code).toBe(0)
      const generated = readFileSync(fresh, 'utf8')
      if (generated !== committed) throw new Error('docs/commands.md is stale: run `npm run build && npm run readme` and commit it')
      // the examples the commands carry are in it
      expect(committed).toContain('$ netdoc check queues timewait --interval 5')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
