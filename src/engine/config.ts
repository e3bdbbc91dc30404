// --config FILE (JSON or YAML), else .netdocrc.json / .netdocrc.yaml in the working directory. Validated on load:
// an unknown key or a wrong type is a usage error naming the key and the file.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { CheckMeta } from '../model/check.js'

/** What validation needs of a check: its meta (a catalogue entry or the check itself). */
type Known = { meta: CheckMeta }
import { unreadableFile, UsageError } from '../model/errors.js'
import type { Severity } from '../model/finding.js'
import { parseExpectation } from '../checks/support/sysctl-expectation.js'

export interface CheckConfig {
  thresholds?: Record<string, number>
  /** replace the severity of this check's failing findings */
  severity?: Severity
  skip?: boolean
}

export interface Config {
  checks?: Record<string, CheckConfig>
  /** findings whose subject matches every given field are dropped, e.g. { "check": "queues.*", "local": "127.0.0.1:9000" } */
  ignore?: Array<Record<string, string | number>>
  /** expected sysctl values: "net.core.somaxconn": ">=4096" */
  expect?: { sysctls?: Record<string, string | number> }
  idleTimeout?: number
  bandwidth?: string
  rtt?: string
}

export const RC_FILES = ['.netdocrc.json', '.netdocrc.yaml', '.netdocrc.yml']

/** The configuration file of this directory, if there is one; two of them is ambiguous, so an error. */
export function findConfig(dir: string): string | undefined {
  const found = RC_FILES.map((f) => join(dir, f)).filter((p) => existsSync(p))
  if (found.length > 1) throw new UsageError(`${found.join(' and ')}: two configuration files here; keep one (or pass --config FILE)`)
  return found[0]
}

/** The fields an ignore rule may name: the check, and the subject's fields. */
const IGNORE_KEYS = new Set(['check', 'local', 'remote', 'side', 'pid', 'process', 'client', 'server', 'interface', 'sysctl', 'cpu', 'counter'])
const SYSCTL_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/

const TOP_KEYS = new Set(['checks', 'ignore', 'expect', 'idleTimeout', 'bandwidth', 'rtt'])
const CHECK_KEYS = new Set(['thresholds', 'severity', 'skip'])

/** How errors name a configuration file: "--config FILE" when given by the flag, the path of a .netdocrc. */
export const configLabel = (path: string, fromFlag: boolean): string => (fromFlag ? `--config ${path}` : path)

/** --config FILE, else the .netdocrc of the directory, else nothing: the configuration and how to name it. */
export async function resolveConfig(flagPath: string | undefined, dir: string, checks: readonly Known[]): Promise<{ config: Config; label?: string }> {
  const path = flagPath ?? findConfig(dir)
  if (!path) return { config: {} }
  const label = configLabel(path, flagPath !== undefined)
  return { config: await loadConfig(path, checks, label), label }
}

export async function loadConfig(path: string, checks: readonly Known[], label = configLabel(path, true)): Promise<Config> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw unreadableFile(label, err)
  }
  let raw: unknown
  try {
    if (/\.ya?ml$/i.test(path)) {
      const { parse } = await import('yaml')
      raw = parse(text)
    } else raw = JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${label}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`)
  }
  return validateConfig(raw ?? {}, path, checks, label)
}

export function validateConfig(raw: unknown, path: string, checks: readonly Known[], label = configLabel(path, true)): Config {
  const bad = (key: string, why: string): never => {
    throw new UsageError(`${label}: ${key}: ${why}`)
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (!isObj(raw)) bad('(top level)', 'must be an object')
  const cfg = raw as Record<string, unknown>
  for (const k of Object.keys(cfg)) if (!TOP_KEYS.has(k)) bad(k, `unknown key (known: ${[...TOP_KEYS].join(', ')})`)
  if (cfg.checks !== undefined) {
    if (!isObj(cfg.checks)) bad('checks', 'must be an object keyed by check id')
    for (const [id, c] of Object.entries(cfg.checks as Record<string, unknown>)) {
      const check = checks.find((x) => x.meta.id === id)
      if (!check) bad(`checks.${id}`, 'no such check (see `netdoc checks`)')
      if (!isObj(c)) bad(`checks.${id}`, 'must be an object')
      for (const k of Object.keys(c as object)) if (!CHECK_KEYS.has(k)) bad(`checks.${id}.${k}`, `unknown key (known: ${[...CHECK_KEYS].join(', ')})`)
      const cc = c as Record<string, unknown>
      if (cc.thresholds !== undefined) {
        if (!isObj(cc.thresholds)) bad(`checks.${id}.thresholds`, 'must be an object')
        for (const [t, v] of Object.entries(cc.thresholds as object)) {
          if (!check!.meta.thresholds?.[t]) bad(`checks.${id}.thresholds.${t}`, `unknown threshold (known: ${Object.keys(check!.meta.thresholds ?? {}).join(', ') || 'none'})`)
          if (typeof v !== 'number' || !Number.isFinite(v)) bad(`checks.${id}.thresholds.${t}`, 'must be a number')
        }
      }
      if (cc.severity !== undefined && !['critical', 'warning', 'info'].includes(cc.severity as string)) bad(`checks.${id}.severity`, 'must be critical, warning or info')
      if (cc.skip !== undefined && typeof cc.skip !== 'boolean') bad(`checks.${id}.skip`, 'must be true or false')
    }
  }
  if (cfg.ignore !== undefined) {
    if (!Array.isArray(cfg.ignore) || !cfg.ignore.every(isObj)) bad('ignore', 'must be a list of objects such as {check: "queues.accept-queue-fill", local: "127.0.0.1:9000"}')
    ;(cfg.ignore as Array<Record<string, unknown>>).forEach((rule, i) => {
      if (Object.keys(rule).length === 0) bad(`ignore[${i}]`, 'is empty: it would ignore every failing finding')
      for (const [k, v] of Object.entries(rule)) {
        if (!IGNORE_KEYS.has(k)) bad(`ignore[${i}].${k}`, `unknown key (known: ${[...IGNORE_KEYS].join(', ')})`)
        if (typeof v !== 'string' && typeof v !== 'number') bad(`ignore[${i}].${k}`, 'must be a string or a number')
      }
    })
  }
  if (cfg.expect !== undefined) {
    if (!isObj(cfg.expect)) bad('expect', 'must be an object')
    for (const k of Object.keys(cfg.expect as object)) if (k !== 'sysctls') bad(`expect.${k}`, 'unknown key (known: sysctls)')
    const s = (cfg.expect as Record<string, unknown>).sysctls
    if (s !== undefined && !isObj(s)) bad('expect.sysctls', 'must map sysctl names to values such as ">=4096"')
    for (const [name, v] of Object.entries((s ?? {}) as Record<string, unknown>)) {
      if (!SYSCTL_NAME.test(name)) bad(`expect.sysctls.${name}`, 'not a sysctl name; write it dotted, like net.core.somaxconn')
      if (typeof v !== 'string' && typeof v !== 'number') bad(`expect.sysctls.${name}`, 'must be a value such as ">=4096", "1" or "4096 87380 6291456"')
      const e = parseExpectation(v as string | number)
      if (typeof e === 'string') bad(`expect.sysctls.${name}`, e)
    }
  }
  if (cfg.idleTimeout !== undefined && (typeof cfg.idleTimeout !== 'number' || cfg.idleTimeout <= 0)) bad('idleTimeout', 'must be a positive number of seconds')
  for (const k of ['bandwidth', 'rtt']) if (cfg[k] !== undefined && typeof cfg[k] !== 'string') bad(k, 'must be a string such as "10Gbit" or "50ms"')
  return cfg as Config
}
