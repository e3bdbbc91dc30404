import type { Check, CheckMeta } from '../model/check.js'
import { fail, pass, sysctlEvidence } from './support/findings.js'

const meta: CheckMeta = {
  id: 'timewait.recycle',
  topic: 'timewait',
  title: 'tcp_tw_recycle',
  failureTitle: 'tcp_tw_recycle enabled',
  description: 'net.ipv4.tcp_tw_recycle exists and is 1: the kernel drops SYNs whose timestamps go backwards per peer address, which breaks clients behind NAT. Removed in Linux 4.12.',
  facts: ['sysctls'],
  sysctls: ['net.ipv4.tcp_tw_recycle'],
}

export const timewaitRecycle: Check = {
  meta,
  evaluate(facts) {
    const v = facts.get('sysctls').get('net.ipv4.tcp_tw_recycle')
    if (v === undefined) return [pass(meta, 'net.ipv4.tcp_tw_recycle does not exist on this kernel (removed in Linux 4.12)')]
    const evidence = [sysctlEvidence('net.ipv4.tcp_tw_recycle', v)]
    if (v.trim() === '0') return [pass(meta, 'net.ipv4.tcp_tw_recycle=0', evidence)]
    return [
      fail(meta, {
        severity: 'critical',
        message: `net.ipv4.tcp_tw_recycle=${v.trim()}: connections from several clients behind one NAT address are dropped at random (their TCP timestamps disagree), a failure that looks like packet loss`,
        subject: { sysctl: 'net.ipv4.tcp_tw_recycle' },
        evidence,
        remediation: {
          text: 'Turn it off and remove it from sysctl configuration. For client-side TIME_WAIT pressure use connection reuse, a wider ip_local_port_range or tcp_tw_reuse=1 instead.',
          commands: ['sysctl -w net.ipv4.tcp_tw_recycle=0', 'grep -rs tcp_tw_recycle /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d  # remove it where it is set'],
        },
      }),
    ]
  },
}
