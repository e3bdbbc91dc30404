// Reports built in memory for the renderer tests: every status, every severity, and strings that need escaping.
import { buildReport } from '../../src/engine/report.js'
import type { Finding } from '../../src/model/finding.js'
import type { FailOn } from '../../src/model/report.js'

/** Quotes, angle brackets, ampersands, pipes, backslashes, newlines, backticks, a control byte and CDATA's end. */
export const NASTY = 'a "quoted" <tag> & \'apos\' | pipe \\ back\nnew line `tick` \u0001 \u001b[2J\u001b[31mEVIL ]]> end'
/** NASTY as the escaping shows it: each control character but the newline as `\xNN` text. */
export const NASTY_SHOWN = NASTY.replace('\u0001', '\\x01').replaceAll('\u001b', '\\x1b')

export function sampleFindings(): Finding[] {
  const rem = (text: string, commands: string[] = []) => ({ text, commands, docs: 'docs/checks/x.md' })
  return [
    { check: 'queues.accept-queue-fill', status: 'fail', severity: 'critical', title: 'Accept queue full', message: '127.0.0.1:8080 accept queue 5/4', subject: { local: '127.0.0.1:8080', side: 'server', process: 'node', pid: 42 }, evidence: [{ source: 'ss -ltn', name: 'Recv-Q', value: 5 }, { source: 'ss -ltn', name: 'Send-Q', value: 4 }], remediation: rem('accept faster', ["ss -ltnp 'sport = :8080'"]) },
    { check: 'timewait.storm', status: 'fail', severity: 'warning', title: 'TIME_WAIT storm', message: 'many TIME_WAIT', subject: { remote: '[::1]:443', side: 'client' }, evidence: [{ source: 'ss -tan', name: 'timeWait', value: 9000, delta: 12 }, { source: 'x', name: 'share', value: '0.31' }], remediation: rem('pool connections') },
    { check: 'timewait.reuse', status: 'fail', severity: 'info', title: 'Reuse off', message: 'tcp_tw_reuse=0', subject: { sysctl: 'net.ipv4.tcp_tw_reuse' }, evidence: [{ source: '/proc/sys/net/ipv4/tcp_tw_reuse', name: 'net.ipv4.tcp_tw_reuse', value: '0' }], remediation: rem('turn it on') },
    { check: 'weird.nasty-strings', status: 'fail', severity: 'critical', title: NASTY, message: NASTY, subject: { process: NASTY, local: '127.0.0.1:1' }, evidence: [{ source: NASTY, name: 'nasty value', value: 1.5, unit: 'ratio' }], remediation: rem(NASTY, [NASTY]) },
    { check: 'queues.syncookies', status: 'pass', title: 'SYN cookies', message: 'net.ipv4.tcp_syncookies=1', subject: {}, evidence: [{ source: '/proc/sys/net/ipv4/tcp_syncookies', name: 'net.ipv4.tcp_syncookies', value: '1' }] },
    { check: 'keepalive.probes', status: 'skip', title: 'Keepalive probes', message: 'needs a capture (--pcap or --capture)', subject: {}, evidence: [] },
    { check: 'buffers.softnet', status: 'error', title: 'Softnet', message: '/proc/net/softnet_stat: permission denied', subject: {}, evidence: [] },
  ]
}

export function sampleReport(failOn: FailOn = 'critical', findings: Finding[] = sampleFindings()) {
  return buildReport({ version: '0.3.0', target: { kind: 'live', hostname: 'h<1>', kernel: '6.1.0' }, windowSeconds: 2, findings, failOn })
}
