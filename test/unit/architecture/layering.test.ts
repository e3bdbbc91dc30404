// The arrows point one way (DEVELOPING.md "The flow"): read from the import statements of src/, static and
// dynamic. A check never imports another check, a renderer or view never imports a check file, and a command
// reaches probes and parsers only through the engine.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

import { ROOT } from '../../helpers/netns.js'

const SRC = join(ROOT, 'src')

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

// import x from '...', import type {...} from '...', export ... from '...', import '...', import('...')
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** Every project file a file imports, as paths relative to src/ ("checks/support/findings.ts"). */
export function importsOf(text: string, file: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]
    if (!spec.startsWith('.')) continue
    out.push(relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))))
  }
  return out
}

const graph = new Map(filesUnder(SRC).map((f) => [relative(SRC, f), importsOf(readFileSync(f, 'utf8'), f)]))

/** A check file: src/checks/<topic>.<name>.ts (support/ and the registry are not checks). */
const isCheck = (p: string) => /^checks\/[a-z0-9-]+\.[a-z0-9-]+\.ts$/.test(p)

function violations(from: (p: string) => boolean, to: (p: string) => boolean): string[] {
  return [...graph].flatMap(([file, deps]) => (from(file) ? deps.filter(to).map((d) => `${file} imports ${d}`) : []))
}

describe('layering of src/ (from the import graph)', () => {
  test('the graph is read: checks import their finding builders, the registry imports the checks', () => {
    expect(graph.get('checks/queues.syncookies.ts')).toContain('checks/support/findings.ts')
    expect(graph.get('checks/registry.ts')?.filter(isCheck).length).toBeGreaterThan(20)
  })

  test('the parser of import statements sees static, type, re-export and dynamic imports', () => {
    const file = join(SRC, 'commands', 'x.ts')
    const text = "import { a } from '../a.js'\nimport type { B } from '../b.js'\nexport { c } from './c.js'\nimport '../d.js'\nconst e = await import('../probes/e.js')\nimport chalk from 'chalk'\n"
    expect(importsOf(text, file)).toEqual(['a.ts', 'b.ts', 'commands/c.ts', 'd.ts', 'probes/e.ts'])
  })

  test('no file in src/checks imports a check (shared code lives in src/derived or checks/support)', () => {
    expect(violations((p) => p.startsWith('checks/') && p !== 'checks/registry.ts', isCheck)).toEqual([])
  })

  test('no renderer or view in src/report imports anything of src/checks', () => {
    expect(violations((p) => p.startsWith('report/'), (d) => d.startsWith('checks/'))).toEqual([])
  })

  test('no command (nor the command base in src/cli) imports a probe or a parser: commands go through the engine', () => {
    expect(violations((p) => p.startsWith('commands/') || p.startsWith('cli/'), (d) => d.startsWith('probes/') || d.startsWith('parsers/'))).toEqual([])
  })

  test('the engine imports no command, no command base and no renderer', () => {
    expect(violations((p) => p.startsWith('engine/'), (d) => /^(commands|cli|report)\//.test(d))).toEqual([])
  })

  test('derived data imports no check, view or command', () => {
    expect(violations((p) => p.startsWith('derived/'), (d) => /^(checks|report|commands|cli|engine)\//.test(d))).toEqual([])
  })

  test('the model imports nothing of the project but the model', () => {
    expect(violations((p) => p.startsWith('model/'), (d) => !d.startsWith('model/'))).toEqual([])
  })
})
