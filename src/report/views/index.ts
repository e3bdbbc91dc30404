// The topic views, one entry per topic command: the facts a view shows beyond its checks', and how it is drawn
// (pure, from the run's facts; the view module itself is imported only when drawn). A topic command draws its
// own; `check --format html` draws every topic's it ran, as sections of the page.
import type { CheckOptions, Facts } from '../../model/check.js'
import type { FactId } from '../../model/facts.js'

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

export const TOPIC_VIEWS: Record<'queues' | 'timewait' | 'ports' | 'keepalive' | 'buffers' | 'resets', { facts: FactId[]; draw: (run: ViewInput) => Promise<string> }> = {
  queues: { facts: ['listeners', 'sysctls'], draw: async (r) => (await import('./queues.js')).queuesView(r.facts) },
  timewait: { facts: ['census', 'sysctls'], draw: async (r) => (await import('./timewait.js')).timewaitView(r.facts) },
  ports: { facts: ['census', 'sysctls', 'descriptors'], draw: async (r) => (await import('./ports.js')).portsView(r.facts) },
  keepalive: { facts: ['sysctls', 'keepaliveSockets'], draw: async (r) => (await import('./keepalive.js')).keepaliveView(r.facts) },
  buffers: { facts: ['sysctls', 'interfaces', 'softnet', 'tcpInfo', 'counters'], draw: async (r) => (await import('./buffers.js')).buffersView(r.facts, r.options, r.windowSeconds) },
  resets: { facts: ['counters'], draw: async (r) => (await import('./resets.js')).resetsView(r.facts, r.windowSeconds) },
}

export type ViewTopic = keyof typeof TOPIC_VIEWS
export const VIEW_TOPICS = Object.keys(TOPIC_VIEWS) as ViewTopic[]
