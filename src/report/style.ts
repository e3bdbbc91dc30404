// Colour only through chalk, only when wanted: not when piped, not with NO_COLOR or --no-color
// (chalk 5 itself ignores NO_COLOR). Imported lazily by the human renderers so --json never pays for chalk.
import type { ChalkInstance } from 'chalk'

export interface Style {
  color: boolean
}

export function wantColor(noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (noColorFlag) return false
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

export async function makeChalk(style: Style): Promise<ChalkInstance> {
  const { Chalk } = await import('chalk')
  return new Chalk({ level: style.color ? 1 : 0 })
}

/** cli-table3 colours its header and borders unless told not to; colour comes from chalk only. */
export const PLAIN_TABLE = { style: { head: [] as string[], border: [] as string[] } }
