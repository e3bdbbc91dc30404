// Output formats: one module each, chosen by --format. Each renders a whole report to a string.
import type { Report } from '../model/report.js'
import type { Style } from './style.js'
import type { TopicView } from './views/index.js'

export const FORMATS = [
  'table',
  'json',
  'junit',
  'openmetrics',
  'markdown',
  'html',
] as const
export type Format = (typeof FORMATS)[number]

export interface RenderOptions extends Style {
  verbose?: boolean
  /** the human view of a topic command, drawn above the findings (table format; a section of the HTML page) */
  view?: string
  /** the same views by topic, each a section of the HTML page */
  views?: TopicView[]
}

export async function render(format: Format, report: Report, opts: RenderOptions): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJson(report)
    case 'table': {
      const body = await (await import('./table.js')).renderFindings(report, opts)
      // a view is plain text laid out by us from facts (process and interface names): no colour, so escape it whole
      return opts.view ? `${(await import('./escape.js')).visibleLines(opts.view)}\n${body}` : body
    }
    case 'junit':
      return (await import('./junit.js')).renderJunit(report)
    case 'openmetrics':
      return (await import('./openmetrics.js')).renderOpenMetrics(report)
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(report)
    case 'html': {
      const [{ renderHtml }, { loadHtmlAssets }] = await Promise.all([import('./html.js'), import('./html-assets.js')])
      return renderHtml(report, { assets: loadHtmlAssets(), views: opts.views })
    }
  }
}
