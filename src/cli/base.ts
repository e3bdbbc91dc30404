// What every command shares: writing the report in --format, and errors as one clear line with exit 2. The run
// itself is the session's (src/engine/session.ts); a checking command is flags → session → render.
import { Command, Errors } from '@oclif/core'

import type { Session } from '../engine/session.js'
import { UsageError } from '../model/errors.js'
import type { FactId } from '../model/facts.js'
import type { Report } from '../model/report.js'
import { render, type Format } from '../report/index.js'
import { wantColor } from '../report/style.js'
import { messageOf } from './errors.js'
import { commonFlags } from './flags.js'

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
  /**
   * Writes the report in --format (oclif prints it itself for --json). The topic's view, when there is one, is
   * drawn above the findings in the table format only.
   */
  protected async output(report: Report, flags: Record<string, any>, view?: (color: boolean) => Promise<string | undefined>): Promise<void> {
    if (this.jsonEnabled()) return
    const format = flags.format as Format
    const color = format === 'table' && flags.color !== false && wantColor(false)
    const drawn = format === 'table' && view ? await view(color) : undefined
    process.stdout.write(await render(format, report, { color, verbose: flags.verbose, view: drawn }))
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<any> {
    if (err instanceof Errors.ExitError) throw err
    if (process.env.DEBUG?.includes('netdoc')) console.error(err)
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
  /** facts and sysctls the view shows beyond those of the checks */
  protected viewFacts: FactId[] = []
  protected viewSysctls: string[] = []

  /** the human view of this topic, drawn above the findings; pure, from the session's facts */
  protected async view(_session: Session, _color: boolean): Promise<string | undefined> {
    return undefined
  }

  protected async runReport(parsed: Parsed): Promise<Report> {
    const { flags } = parsed
    const wait = statusLine()
    const progress = statusLine()
    // Imported here, not at the top: `netdoc checks` shares this base and runs no checks.
    const { runSession } = await import('../engine/session.js')
    const session = await runSession({
      flags,
      topics: this.topic ? [this.topic].flat() : parsed.topics,
      version: this.config.version,
      view: { facts: this.viewFacts, sysctls: this.viewSysctls },
      onWait: wait.show && ((left) => wait.show!(`sampling the window… ${left} s `)),
      onProgress: progress.show,
    }).finally(() => {
      progress.done()
      wait.done()
    })
    process.exitCode = session.exitCode
    await this.output(session.report, flags, (color) => this.view(session, color))
    return session.report
  }
}
