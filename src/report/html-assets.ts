// The chart library the HTML report inlines, read from node_modules when an HTML report is rendered (and only
// then): the page must work offline, so the library travels inside it rather than from a CDN.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import type { HtmlAssets } from './html.js'

export function loadHtmlAssets(): HtmlAssets {
  const require = createRequire(import.meta.url)
  const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8')
  return { uplotJs: read('uPlot.iife.min.js'), uplotCss: read('uPlot.min.css') }
}
