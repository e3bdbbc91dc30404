// /etc/os-release (os-release(5), freedesktop.org): KEY=value lines, values optionally quoted. `osInfoOf` names the
// distribution, release and codename by systeminformation's own rules (its osInfo() reads the same file), so a
// report and the snapshots recorded with systeminformation name a host alike. Pure.

/** The fields of an os-release file; quotes removed, `\` escapes resolved, comments and blank lines skipped. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const eq = line.indexOf('=')
    if (line.startsWith('#') || eq <= 0) continue
    let value = line.slice(eq + 1).trim()
    const q = value[0]
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1)
    out[line.slice(0, eq).trim().toUpperCase()] = value.replace(/\\(.)/g, '$1')
  }
  return out
}

/**
 * Distribution, release and codename: NAME; the release from PRETTY_NAME after the name ("Ubuntu 22.04.4 LTS")
 * or VERSION, its parenthesis being the codename ("12 (bookworm)"), else VERSION_ID.
 */
export function osInfoOf(f: Record<string, string>): { distro: string; release: string; codename: string } {
  const distro = f.DISTRIB_ID || f.NAME || 'unknown'
  let release = f.VERSION ?? ''
  let codename = f.DISTRIB_CODENAME || f.VERSION_CODENAME || ''
  const pretty = f.PRETTY_NAME ?? ''
  if (pretty.startsWith(`${distro} `)) release = pretty.slice(distro.length + 1).trim()
  const paren = release.indexOf('(')
  if (paren >= 0) {
    codename = release.slice(paren + 1).replace(/[()]/g, '').trim()
    release = release.slice(0, paren).trim()
  }
  return { distro, release: release || f.DISTRIB_RELEASE || f.VERSION_ID || 'unknown', codename }
}
