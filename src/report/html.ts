// `--format html`: one self-contained page that works offline (a CSP forbids every external load, and nothing
// refers to one): the summary, the findings by severity with their evidence and copyable commands, passes and
// skips folded, the topic view, and charts drawn by uPlot, which is inlined (the caller reads it from
// node_modules and hands it in, so this stays a pure function of the report).
// Untrusted strings (process and interface names, anything from a capture) reach the page only through
// escape.ts: htmlText for markup, jsonForScript for the data the charts read.
import { plural } from '../derived/format.js'
import { SEVERITIES, type Finding } from '../model/finding.js'
import type { Report } from '../model/report.js'
import { htmlText, inlineSource, jsonForScript } from './escape.js'
import { chartsOf, type ChartSpec } from './html-charts.js'
import type { TopicView } from './views/index.js'
import { identityLabels, namespaceLabel } from './target.js'

export interface HtmlAssets {
  /** uPlot's browser build (uPlot.iife.min.js) and its stylesheet */
  uplotJs: string
  uplotCss: string
}

export interface HtmlOptions {
  assets: HtmlAssets
  /** the topic views of the run (plain text laid out from facts), each shown as a section */
  views?: TopicView[]
}

const h = htmlText

const subjectText = (f: Finding): string =>
  Object.entries(f.subject)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ') || 'host-wide'

function evidenceTable(f: Finding): string {
  if (f.evidence.length === 0) return ''
  const rows = f.evidence
    .map((e) => `<tr><td>${h(e.name)}</td><td class="num">${h(String(e.value))}${e.unit ? ` ${h(e.unit)}` : ''}</td><td class="num">${e.delta === undefined ? '' : h(`+${e.delta}`)}</td><td class="src">${h(e.source)}</td></tr>`)
    .join('')
  return `<table class="evidence"><thead><tr><th>evidence</th><th>value</th><th>in window</th><th>source</th></tr></thead><tbody>${rows}</tbody></table>`
}

const cell = (v: unknown): string => (v === undefined || v === null ? '' : h(typeof v === 'object' ? JSON.stringify(v) : String(v)))

function detailsTable(f: Finding): string {
  const rows = f.details ?? []
  if (rows.length === 0) return ''
  // a field a row holds as undefined (JSON leaves it out) is no column of its own
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== undefined)))]
  const body = rows.map((r) => `<tr>${keys.map((k) => `<td>${cell(r[k])}</td>`).join('')}</tr>`).join('')
  return `<details class="rows"><summary>${plural(rows.length, 'row')}</summary><table><thead><tr>${keys.map((k) => `<th>${h(k)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></details>`
}

function remediationBlock(f: Finding): string {
  const r = f.remediation
  if (!r) return ''
  const commands = r.commands
    .map((c) => `<div class="cmd"><pre><code>${h(c)}</code></pre><button type="button" class="copy" title="copy the command">copy</button></div>`)
    .join('')
  return `<div class="remedy"><p>${h(r.text)}</p>${commands}${r.docs ? `<p class="docs">more: <code>${h(r.docs)}</code></p>` : ''}</div>`
}

function findingArticle(f: Finding): string {
  const attrs = `data-check="${h(f.check)}" data-status="${f.status}"${f.severity ? ` data-severity="${f.severity}"` : ''} data-subject="${h(JSON.stringify(f.subject))}"`
  const baseline = f.baseline ? ` <span class="tag">${f.baseline}</span>` : ''
  return `<article class="finding ${f.severity ?? f.status}" ${attrs}>
<h3><span class="sev">${f.severity ?? f.status}</span> ${h(f.title)} <code class="id">${h(f.check)}</code>${baseline}</h3>
<p class="subject">${h(subjectText(f))}</p>
<p class="message">${h(f.message)}</p>
${evidenceTable(f)}${remediationBlock(f)}${detailsTable(f)}
</article>`
}

function summaryBlock(report: Report): string {
  const s = report.summary
  const item = (k: keyof typeof s) => `<li class="${k}"><span class="n">${s[k]}</span> ${k}</li>`
  const t = report.target
  const target = [t.kind, t.hostname && `host ${t.hostname}`, ...identityLabels(t.identity), t.kernel && `kernel ${t.kernel}`, t.netns && namespaceLabel(t.netns), t.path && `from ${t.path}`, t.capture && `capture ${t.capture}`]
    .filter(Boolean)
    .map((x) => h(String(x)))
    .join(' · ')
  const notes = (report.notes ?? []).map((n) => `<li>${h(n)}</li>`).join('')
  return `<header>
<h1>netdoc report</h1>
<p class="target">${target}</p>
<p class="meta">generated ${h(report.generatedAt)} · window ${report.window.seconds} s · netdoc ${h(report.netdoc)} · exit code ${report.exitCode}</p>
</header>
<section id="summary"><h2>Summary</h2><ul class="summary">${(['critical', 'warning', 'info', 'pass', 'skip', 'error'] as const).map(item).join('')}</ul>${notes ? `<ul class="notes">${notes}</ul>` : ''}</section>`
}

function chartsBlock(charts: ChartSpec[]): string {
  if (charts.length === 0) return ''
  const figures = charts.map((c) => `<figure class="chart" data-chart="${h(c.id)}"><figcaption>${h(c.title)} <span class="from">${h(c.from.join(', '))}</span></figcaption><div class="plot"></div></figure>`)
  return `<section id="charts"><h2>Charts</h2>${figures.join('\n')}</section>`
}

function findingsBlock(report: Report): string {
  const parts: string[] = []
  for (const sev of SEVERITIES) {
    const fs = report.findings.filter((f) => f.status === 'fail' && f.severity === sev)
    if (fs.length) parts.push(`<section id="${sev}" class="severity"><h2>${sev[0].toUpperCase()}${sev.slice(1)} (${fs.length})</h2>${fs.map(findingArticle).join('\n')}</section>`)
  }
  const errors = report.findings.filter((f) => f.status === 'error')
  if (errors.length) parts.push(`<section id="errors" class="severity"><h2>Could not check (${errors.length})</h2>${errors.map(findingArticle).join('\n')}</section>`)
  const quiet = report.findings.filter((f) => f.status === 'pass' || f.status === 'skip')
  if (quiet.length) {
    const li = quiet.map((f) => `<li class="${f.status}" data-check="${h(f.check)}" data-status="${f.status}"><code>${h(f.check)}</code> ${f.status}: ${h(f.message)}</li>`).join('')
    parts.push(`<section id="quiet"><details><summary>${quiet.length} passed or skipped</summary><ul class="quiet">${li}</ul></details></section>`)
  }
  return parts.join('\n')
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 48px;color:#1a1a1a;background:#fafafa}
h1{margin:16px 0 4px}h2{border-bottom:1px solid #ddd;padding-bottom:4px}
.target,.meta{color:#555;margin:2px 0}
ul.summary{display:flex;gap:12px;list-style:none;padding:0;flex-wrap:wrap}
ul.summary li{background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px 12px}
ul.summary .n{font-weight:700;font-size:18px}
.critical .n,.finding.critical .sev{color:#c62828}.warning .n,.finding.warning .sev{color:#ef6c00}.info .n,.finding.info .sev{color:#1565c0}
.finding{background:#fff;border:1px solid #ddd;border-left:5px solid #999;border-radius:6px;padding:8px 14px;margin:10px 0}
.finding.critical{border-left-color:#c62828}.finding.warning{border-left-color:#ef6c00}.finding.info{border-left-color:#1565c0}.finding.error{border-left-color:#6d4c41}
.finding h3{margin:4px 0;font-size:15px}.sev{text-transform:uppercase;font-size:12px}
code.id{color:#666;font-weight:400;font-size:12px}.subject{color:#444;margin:2px 0}.tag{font-size:11px;background:#eee;padding:1px 5px;border-radius:3px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.src{color:#777}
.cmd{display:flex;align-items:flex-start;gap:6px;margin:4px 0}
.cmd pre{flex:1;margin:0;background:#263238;color:#eceff1;padding:6px 10px;border-radius:4px;overflow-x:auto;white-space:pre}
button.copy{cursor:pointer;border:1px solid #bbb;background:#fff;border-radius:4px;padding:4px 8px}
.docs{color:#666;font-size:12px}
figure.chart{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}figcaption .from{font-weight:400;color:#777;font-size:12px}
pre.view{background:#fff;border:1px solid #ddd;padding:10px;overflow-x:auto}
ul.quiet{columns:2;font-size:13px}ul.quiet li.skip{color:#777}
`

// Turns each chart spec into a uPlot instance. It only configures the library (series, axes, scales); the
// library draws. window.netdocCharts keeps the instances for the browser test.
const BOOT = `
(function () {
  var data = JSON.parse(document.getElementById('netdoc-data').textContent);
  var charts = {};
  window.netdocCharts = charts;
  function utc(ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); }
  data.charts.forEach(function (c) {
    var fig = document.querySelector('figure[data-chart="' + c.id + '"] .plot');
    if (!fig) return;
    var category = c.x === 'category';
    var series = [{ label: category ? 'item' : 'time (UTC)', value: category ? function (u, v) { return v == null ? '' : (c.xLabels[v] || ''); } : undefined }];
    c.series.forEach(function (s) {
      var o = { label: s.label, stroke: s.color, width: 1 };
      // a narrower bar over a wider one reads as "of which"; the cap in px keeps that ratio on wide categories
      if (s.draw === 'bars') { o.fill = s.color; o.paths = uPlot.paths.bars({ size: [s.width || 0.6, 160 * (s.width || 0.6)], align: 0 }); o.points = { show: false }; }
      if (s.draw === 'points') { o.paths = function () { return null; }; o.points = { show: true, size: 10, width: 1, fill: s.color, stroke: s.color }; }
      if (s.draw === 'line') { o.width = 2; o.dash = [6, 4]; }
      series.push(o);
    });
    var scales = { x: category ? { time: false, range: [-0.5, c.xs.length - 0.5] } : { time: true } };
    scales.y = c.yLabels ? { range: [-0.5, c.yLabels.length - 0.5] } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
    var xAxis = category
      ? { splits: function () { return c.xs; }, values: function (u, splits) { return splits.map(function (v) { return c.xLabels[v] || ''; }); }, rotate: c.xs.length > 4 ? -25 : 0, size: c.xs.length > 4 ? 120 : 50, gap: 6 }
      : {};
    var yAxis = c.yLabels
      ? { label: c.yLabel, splits: function () { return c.yLabels.map(function (_, i) { return i; }); }, values: function (u, splits) { return splits.map(function (v) { return c.yLabels[v] || ''; }); }, size: 150 }
      : { label: c.yLabel, size: 70 };
    var opts = {
      width: Math.max(480, Math.min(fig.clientWidth || 1000, 1150)),
      height: 300,
      tzDate: utc,
      scales: scales,
      series: series,
      axes: [xAxis, yAxis],
      legend: { live: true },
    };
    var aligned = [c.xs].concat(c.series.map(function (s) { return s.values; }));
    var u = new uPlot(opts, aligned, fig);
    var points = 0;
    c.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) points++; }); });
    charts[c.id] = { uplot: u, points: points, canvas: u.ctx.canvas };
  });
  document.querySelectorAll('button.copy').forEach(function (b) {
    b.addEventListener('click', function () {
      var text = b.parentNode.querySelector('code').textContent;
      var done = function () { b.textContent = 'copied'; setTimeout(function () { b.textContent = 'copy'; }, 1500); };
      var select = function () {
        var range = document.createRange();
        range.selectNodeContents(b.parentNode.querySelector('code'));
        var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        b.textContent = 'selected: Ctrl+C';
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, select);
      else select();
    });
  });
})();
`

export function renderHtml(report: Report, opts: HtmlOptions): string {
  const charts = chartsOf(report)
  const title = `netdoc: ${report.target.hostname ?? report.target.kind} · ${report.summary.critical} critical, ${report.summary.warning} warning`
  const views = (opts.views ?? []).map((v) => `<section class="view" id="view-${h(v.topic)}" data-topic="${h(v.topic)}"><h2>${h(v.topic)}</h2><pre class="view">${h(v.text)}</pre></section>`).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<link rel="icon" href="data:,">
<style>${inlineSource(opts.assets.uplotCss, 'style')}</style>
<style>${STYLE}</style>
</head>
<body>
${summaryBlock(report)}
${chartsBlock(charts)}
${findingsBlock(report)}
${views}
<script type="application/json" id="netdoc-data">${jsonForScript({ report, charts })}</script>
<script id="uplot">${inlineSource(opts.assets.uplotJs, 'script')}</script>
<script>${BOOT}</script>
</body>
</html>
`
}
