// What every command shares: writing the report in --format, and errors as one clear line with exit 2. The run
// itself is the session's (src/engine/session.ts); a checking command is flags → session → render.
import { Command, Errors } from '@oclif/core'

import type { Session } from '../engine/session.js'
import { UsageError } from '../model/errors.js'
import type { Report } from '../model/report.js'
import type { Format } from '../report/index.js'
import type { TopicView, ViewTopic } from '../report/views/index.js'
import { commonFlags } from './flags.js'

// The renderers, the views and the error formatting are imported when used, not here: every command loads this
// module, and `netdoc checks` or a --json run needs none of them at start-up.

export interface Parsed {
  flags: Record<string, any>
  topics: string[]
}

/** Text on one stderr line that the next one replaces, only when stderr is a terminal. */
function statusLine(): { show?: (text: string) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => undefined }
  let shown = false
  return {
    show(text) {
      shown = true
      process.stderr.write(`\r\x1b[K${text}`)
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}

/** Usage errors and oclif's flag errors: one clear line on stderr, exit 2, never JSON on stdout. */
export abstract class BaseCommand extends Command {
  /** set once the report went to -o/--output: --json then prints nothing on stdout either */
  private wroteFile = false

  /**
   * Writes the report in --format, to stdout or atomically to -o/--output FILE (oclif prints it itself for --json
   * without -o). Topic views, when the command has them, are drawn above the findings in the table format and as
   * sections of the HTML page.
   */
  protected async output(report: Report, flags: Record<string, any>, views?: (format: Format) => Promise<TopicView[]>): Promise<void> {
    const toFile: string | undefined = flags.output
    if (this.jsonEnabled() && !toFile) return
    const format: Format = this.jsonEnabled() ? 'json' : flags.format
    const [{ render }, { wantColor }] = await Promise.all([import('../report/index.js'), import('../report/style.js')])
    const color = format === 'table' && !toFile && flags.color !== false && wantColor(false)
    const drawn = (format === 'table' || format === 'html') && views ? await views(format) : []
    const text = await render(format, report, { color, verbose: flags.verbose, view: drawn.map((v) => v.text).join('\n') || undefined, views: drawn })
    if (!toFile) {
      process.stdout.write(text)
      return
    }
    const { writeFileAtomically } = await import('./output-file.js')
    writeFileAtomically(toFile, text)
    this.wroteFile = true
  }

  /**
   * --json with -o FILE: the JSON went to the file, stdout stays empty. Without a JSON colour theme oclif's
   * colorizeJson prints what JSON.stringify does, after tokenizing it with a regex per token (13 ms for 50 kB, 150 ms
   * for 1.4 MB), so the same text is written directly.
   */
  protected logJson(json: unknown): void {
    if (this.wroteFile) return
    if (this.config.theme?.json) super.logJson(json)
    else process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<any> {
    if (err instanceof Errors.ExitError) throw err
    if (process.env.DEBUG?.includes('netdoc')) console.error(err)
    const { messageOf } = await import('./errors.js')
    process.stderr.write(`netdoc: ${messageOf(err)}\n`)
    if (!(err instanceof UsageError) && !err.oclif) process.stderr.write('netdoc: this is a bug; run again with DEBUG=netdoc for the stack trace\n')
    this.exit(2)
  }
}

export abstract class NetdocCommand extends BaseCommand {
  static enableJsonFlag = true
  static baseFlags = commonFlags

  /** the topic (or topics and check ids) this command shows; undefined for `check` (every topic, or those named as arguments) */
  protected topic?: string | string[]
  /** the topic whose view this command draws above its findings (TOPIC_VIEWS) */
  protected viewTopic?: ViewTopic

  /** the views this run draws for --format (each adds the facts and sysctls it shows to the session's reads) */
  protected viewTopics(_format: Format, _topics: string[]): ViewTopic[] {
    return this.viewTopic ? [this.viewTopic] : []
  }

  /** the human views of this run, drawn from the session's facts (pure); only those of topics that ran */
  protected async views(session: Session, topics: ViewTopic[]): Promise<TopicView[]> {
    const ran = new Set(session.report.findings.map((f) => f.check.split('.')[0]))
    const { TOPIC_VIEWS } = await import('../report/views/index.js')
    const views: TopicView[] = []
    for (const topic of topics.filter((t) => t === this.viewTopic || ran.has(t))) views.push({ topic, text: await TOPIC_VIEWS[topic].draw(session.run) })
    return views
  }

  protected async runReport(parsed: Parsed): Promise<Report> {
    const { flags } = parsed
    // a directory that is missing or not writable is said before the window runs, not after
    if (flags.output) (await import('./output-file.js')).checkOutputPath(flags.output)
    const topics = this.topic ? [this.topic].flat() : parsed.topics
    const format: Format = this.jsonEnabled() ? 'json' : flags.format
    const viewTopics = this.viewTopics(format, topics)
    const { TOPIC_VIEWS } = await import('../report/views/index.js')
    // the processes a view shows are looked up only when it is drawn (output(): table and html)
    const drawsViews = format === 'table' || format === 'html'
    const wait = statusLine()
    const progress = statusLine()
    // Imported here, not at the top: `netdoc checks` shares this base and runs no checks.
    const { runSession } = await import('../engine/session.js')
    const session = await runSession({
      flags,
      topics,
      version: this.config.version,
      view: {
        facts: [...new Set(viewTopics.flatMap((t) => TOPIC_VIEWS[t].facts))],
        sysctls: [...new Set(viewTopics.flatMap((t) => TOPIC_VIEWS[t].sysctls))],
        captureAnalyses: drawsViews ? [...new Set(viewTopics.flatMap((t) => TOPIC_VIEWS[t].captureAnalyses ?? []))] : [],
        owners: (facts) => (drawsViews ? viewTopics.flatMap((t) => TOPIC_VIEWS[t].owners?.(facts) ?? []) : []),
      },
      onWait: wait.show && ((left) => wait.show!(`sampling the window… ${left} s `)),
      onProgress: progress.show,
    }).finally(() => {
      progress.done()
      wait.done()
    })
    process.exitCode = session.exitCode
    await this.output(session.report, flags, () => this.views(session, viewTopics))
    return session.report
  }
}
