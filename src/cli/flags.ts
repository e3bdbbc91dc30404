// The flags every checking command shares (CONTRACT.md "Common flags"): one definition, used by `check` and
// by every topic command.
import { Flags } from '@oclif/core'

import { UsageError } from '../model/errors.js'
import { FORMATS } from '../report/index.js'

const seconds = (name: string, min = 0) =>
  Flags.custom<number>({
    async parse(input) {
      const n = Number(input)
      if (input.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`--${name} ${input}: expected a number of seconds${min > 0 ? ` above ${min}` : ' (0 or more)'}`)
      return n
    },
  })

export const commonFlags = {
  format: Flags.option({ options: FORMATS, description: 'output format (--json is --format json)', default: 'table' })(),
  output: Flags.string({ char: 'o', description: 'write the report to this file instead of stdout (atomically: a temporary file beside it, then rename)' }),
  interval: seconds('interval')({ description: 'sampling window: counters are read twice and judged on their change; 0 = since-boot totals only', default: 2 }),
  'fail-on': Flags.option({ options: ['critical', 'warning', 'info', 'never'] as const, description: 'the lowest severity that makes the exit code 1', default: 'critical' })(),
  from: Flags.string({ description: 'analyse a snapshot directory (made by `netdoc snapshot`) instead of this host', exclusive: ['netns', 'pid', 'container'] }),
  pcap: Flags.string({ description: 'add evidence from a pcap or pcapng file (keepalive, resets, queues, congestion)' }),
  capture: Flags.string({ description: 'live capture on this interface for --duration seconds (libpcap through cap, else tcpdump), then analyse it' }),
  'capture-with': Flags.option({ options: ['auto', 'cap', 'tcpdump'] as const, description: 'how --capture captures: the cap module (libpcap), tcpdump, or auto (cap when it loads, else tcpdump)', default: 'auto' })(),
  duration: seconds('duration', 0)({ description: 'seconds of live capture (with --capture)', default: 10 }),
  filter: Flags.string({ description: 'BPF filter for --capture, e.g. "tcp port 8080"' }),
  write: Flags.string({ description: 'with --capture: also write the captured packets to this pcap file' }),
  netns: Flags.string({ description: 'look inside this named network namespace (ip netns list)', exclusive: ['pid', 'container'] }),
  pid: Flags.integer({ description: "look inside this process's network namespace (e.g. a container's)", min: 1, exclusive: ['container'] }),
  container: Flags.string({ description: "look inside this container's network namespace: a docker or podman name or id, resolved to its main process (as --pid)" }),
  only: Flags.string({ description: 'run only these checks: ids or id prefixes, comma-separated' }),
  skip: Flags.string({ description: 'skip these checks: ids or id prefixes, comma-separated' }),
  config: Flags.string({ description: 'thresholds, expected sysctl values and ignores (JSON or YAML; default: .netdocrc.json or .netdocrc.yaml here)' }),
  baseline: Flags.string({ description: 'a previous JSON report: only failing findings not in it count for the exit code' }),
  'idle-timeout': seconds('idle-timeout', 0)({ description: 'a middlebox idle timeout to compare keepalive against, e.g. 350 for AWS NLB' }),
  bandwidth: Flags.string({ description: 'link bandwidth for the BDP, e.g. 10Gbit (default: the interface speed)' }),
  rtt: Flags.string({ description: 'round-trip time for the BDP, e.g. 50ms (default: measured on the sockets)' }),
  'max-details': Flags.integer({ description: 'the most per-connection rows a finding carries', default: 100, min: 0 }),
  verbose: Flags.boolean({ char: 'v', description: 'list passing and skipped checks one per line' }),
  color: Flags.boolean({ description: 'colour the table output (default: when stdout is a terminal and NO_COLOR is unset)', allowNo: true, default: true }),
}
