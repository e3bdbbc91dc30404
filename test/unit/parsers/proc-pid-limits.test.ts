import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseOpenFilesLimit } from '../../../src/parsers/proc-pid-limits.js'
import { ROOT } from '../../helpers/netns.js'

describe('parseOpenFilesLimit', () => {
  test('the captured /proc/self/limits', () => {
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'census', 'limits.out'), 'utf8')
    const line = text.split('\n').find((l) => l.startsWith('Max open files'))!
    const [soft, hard] = line.split(/\s{2,}/).slice(1, 3).map(Number)
    expect(parseOpenFilesLimit(text)).toEqual({ soft, hard })
    expect(soft).toBeGreaterThan(0)
  })

  test('unlimited is undefined', () => {
    expect(parseOpenFilesLimit('Max open files            unlimited            unlimited            files\n')).toEqual({ soft: undefined, hard: undefined })
  })

  test('a file without the line, or a garbled value, is an error naming the file', () => {
    expect(() => parseOpenFilesLimit('Max processes 10 10 processes\n', '/proc/42/limits')).toThrow(/\/proc\/42\/limits: no "Max open files"/)
    expect(() => parseOpenFilesLimit('Max open files   lots   1024   files\n')).toThrow(/not a number: lots/)
  })
})
