// Every sysctl a check reads. Read in one go (one process inside another netns); absent ones are simply missing
// from the map, which is how an old or new kernel shows (tcp_tw_recycle is gone since 4.12).
export const SYSCTL_NAMES = [
  // queues
  'net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_syncookies', 'net.ipv4.tcp_abort_on_overflow',
  'net.ipv4.tcp_syn_retries', 'net.ipv4.tcp_synack_retries', 'net.ipv4.tcp_syn_linear_timeouts',
  // TIME_WAIT and lingering states
  'net.ipv4.tcp_max_tw_buckets', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_tw_recycle', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_max_orphans', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_orphan_retries', 'net.ipv4.tcp_retries2',
  // ports and descriptors
  'net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'fs.file-max', 'fs.file-nr', 'fs.nr_open',
  // keepalive
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
  'net.netfilter.nf_conntrack_tcp_timeout_established', 'net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_count',
  // conntrack and the neighbour tables (net.netfilter.* exists only while nf_conntrack is loaded; gc_thresh* only
  // in the initial namespace)
  'net.netfilter.nf_conntrack_buckets', 'net.netfilter.nf_conntrack_tcp_timeout_close_wait', 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
  'net.ipv4.neigh.default.gc_thresh1', 'net.ipv4.neigh.default.gc_thresh2', 'net.ipv4.neigh.default.gc_thresh3',
  'net.ipv6.neigh.default.gc_thresh1', 'net.ipv6.neigh.default.gc_thresh2', 'net.ipv6.neigh.default.gc_thresh3',
  'net.ipv4.tcp_migrate_req',
  // buffers
  'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_mem', 'net.ipv4.udp_mem',
  'net.ipv4.udp_rmem_min', 'net.ipv4.udp_wmem_min', 'net.core.rmem_max', 'net.core.wmem_max', 'net.core.rmem_default',
  'net.core.wmem_default', 'net.core.netdev_max_backlog', 'net.core.netdev_budget', 'net.core.netdev_budget_usecs',
  'net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.ipv4.tcp_window_scaling',
  'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat', 'net.core.default_qdisc',
] as const
