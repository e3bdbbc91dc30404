// The OpenMetrics text exposition grammar (the ABNF of the OpenMetrics 1.0 spec), reduced to what a gauge-only
// exposition may contain: descriptors, samples without timestamps or exemplars, `# EOF`. Returns the problems found.
const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*'
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*'
const NUMBER = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?Inf|NaN'
const HELP = new RegExp(`^# HELP (${METRIC}) (?:[^\\\\\\n]|\\\\[\\\\n"])*$`)
const TYPE = new RegExp(`^# TYPE (${METRIC}) (counter|gauge|histogram|gaugehistogram|stateset|info|summary|unknown)$`)
const SAMPLE = new RegExp(`^(${METRIC})(\\{(?:${LABEL}="${LABEL_VALUE}"(?:,${LABEL}="${LABEL_VALUE}")*)?\\})? (${NUMBER})$`)
const PAIR = new RegExp(`(${LABEL})="${LABEL_VALUE}"`, 'g')

export function openMetricsProblems(text: string): string[] {
  const problems: string[] = []
  if (!text.endsWith('# EOF\n')) problems.push('does not end with "# EOF" and a newline')
  const lines = text.replace(/\n$/, '').split('\n')
  const described = new Map<string, { help: number; type: number }>()
  const closed = new Set<string>()
  const labelSets = new Map<string, Set<string>>()
  let current: string | undefined
  lines.forEach((line, i) => {
    const at = `line ${i + 1}: ${line}`
    if (line === '# EOF') {
      if (i !== lines.length - 1) problems.push(`${at}: # EOF before the end`)
      return
    }
    let m: RegExpExecArray | null
    if ((m = HELP.exec(line)) || (m = TYPE.exec(line))) {
      const name = m[1]
      if (closed.has(name)) problems.push(`${at}: family ${name} is split`)
      if (current && current !== name) closed.add(current)
      current = name
      const d = described.get(name) ?? { help: 0, type: 0 }
      if (line.startsWith('# HELP')) d.help++
      else d.type++
      if (d.help > 1 || d.type > 1) problems.push(`${at}: second HELP or TYPE for ${name}`)
      described.set(name, d)
      return
    }
    if ((m = SAMPLE.exec(line))) {
      const name = m[1]
      if (name !== current) problems.push(`${at}: sample of ${name} outside its family`)
      const names = [...(m[2] ?? '').matchAll(PAIR)].map((p) => p[1])
      if (new Set(names).size !== names.length) problems.push(`${at}: a label name repeats`)
      const set = labelSets.get(name) ?? new Set<string>()
      if (set.has(m[2] ?? '')) problems.push(`${at}: duplicate label set`)
      set.add(m[2] ?? '')
      labelSets.set(name, set)
      return
    }
    problems.push(`${at}: not a descriptor, a sample or # EOF`)
  })
  for (const [name, d] of described) if (d.type !== 1) problems.push(`${name}: no # TYPE`)
  return problems
}
