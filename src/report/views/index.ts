// The topic views, one entry per topic command: the facts and sysctls a view shows beyond its checks', and how it is drawn
// (pure, from the run's facts; the view module itself is imported only when drawn). A topic command draws its
// own; `check --format html` draws every topic's it ran, as sections of the page.
import type { CheckOptions, Facts, OwnedState } from '../../model/check.js'
import type { AnalysisName } from '../../model/capture.js'
import type { FactId } from '../../model/facts.js'
import { CONNTRACK_LOADED_SYSCTLS, CONNTRACK_VIEW_SYSCTLS } from '../../derived/conntrack.js'

/** What a view is drawn from: the run's facts, options and window. */
export interface ViewInput {
  facts: Facts
  options: CheckOptions
  windowSeconds: number
}

export interface TopicView {
  topic: string
  text: string
}

/** A view: the facts and sysctls it shows beyond those its topic's checks declare, and how it is drawn. */
export interface ViewEntry {
  facts: FactId[]
  sysctls: string[]
  draw: (run: ViewInput) => Promise<string>
  /** the capture analyses it reads, when a capture was given (beside those its checks declare) */
  captureAnalyses?: AnalysisName[]
  /** the census states whose owners it shows, when its facts have sockets there without one (engine/attribution.ts) */
  owners?: (facts: Facts) => OwnedState[]
}

/** `state` when the census has groups of it that name no process. */
const unowned = (state: OwnedState, groups: (f: Facts) => Array<{ pid?: number }> | undefined) => (facts: Facts): OwnedState[] =>
  (groups(facts) ?? []).some((g) => g.pid === undefined) ? [state] : []

export const TOPIC_VIEWS: Record<'queues' | 'timewait' | 'ports' | 'keepalive' | 'buffers' | 'resets' | 'congestion' | 'mtu' | 'conntrack' | 'drops', ViewEntry> = {
  queues: {
    facts: ['listeners', 'sysctls', 'listenerHolders'],
    sysctls: ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog'],
    draw: async (r) => (await import('./queues.js')).queuesView(r.facts),
  },
  timewait: {
    facts: ['census', 'sysctls'],
    sysctls: [],
    draw: async (r) => (await import('./timewait.js')).timewaitView(r.facts),
    // its CLOSE_WAIT table is by process
    owners: unowned('close-wait', (f) => f.optional('census')?.closeWait),
  },
  ports: {
    facts: ['census', 'sysctls', 'descriptors'],
    sysctls: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps'],
    draw: async (r) => (await import('./ports.js')).portsView(r.facts),
  },
  keepalive: {
    facts: ['sysctls', 'keepaliveSockets'],
    sysctls: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
    draw: async (r) => (await import('./keepalive.js')).keepaliveView(r.facts),
    owners: unowned('established', (f) => f.optional('keepaliveSockets')?.groups),
    captureAnalyses: ['keepalive', 'heartbeat'],
  },
  buffers: {
    facts: ['sysctls', 'interfaces', 'softnet', 'tcpInfo', 'counters'],
    sysctls: [
      'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_mem', 'net.core.rmem_default', 'net.core.rmem_max', 'net.core.wmem_default', 'net.core.wmem_max',
      'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.netdev_max_backlog',
      'net.core.netdev_budget', 'net.core.netdev_budget_usecs',
    ],
    draw: async (r) => (await import('./buffers.js')).buffersView(r.facts, r.options, r.windowSeconds),
  },
  resets: { facts: ['counters'], sysctls: [], captureAnalyses: ['closes'], draw: async (r) => (await import('./resets.js')).resetsView(r.facts, r.windowSeconds) },
  congestion: {
    facts: ['sysctls', 'tcpInfo'],
    sysctls: ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.default_qdisc', 'net.ipv4.tcp_slow_start_after_idle'],
    draw: async (r) => (await import('./congestion.js')).congestionView(r.facts, r.options),
    captureAnalyses: ['congestion'],
  },
  mtu: {
    facts: ['counters', 'sysctls', 'interfaces', 'tcpInfo'],
    sysctls: ['net.ipv4.tcp_mtu_probing', 'net.ipv4.ipfrag_time', 'net.ipv4.ipfrag_high_thresh'],
    draw: async (r) => (await import('./mtu.js')).mtuView(r.facts, r.windowSeconds),
  },
  conntrack: {
    facts: ['sysctls', 'conntrackStats', 'neighbourStats'],
    sysctls: CONNTRACK_VIEW_SYSCTLS,
    draw: async (r) => (await import('./conntrack.js')).conntrackView(r.facts, r.windowSeconds),
  },
  drops: {
    facts: ['counters', 'interfaces', 'softnet', 'listeners', 'udpSockets', 'nics', 'conntrackStats', 'sysctls'],
    sysctls: CONNTRACK_LOADED_SYSCTLS,
    draw: async (r) => (await import('./drops.js')).dropsView(r.facts, r.windowSeconds),
  },
}

export type ViewTopic = keyof typeof TOPIC_VIEWS
export const VIEW_TOPICS = Object.keys(TOPIC_VIEWS) as ViewTopic[]
