// The sysctls each topic's view shows beyond those its checks read, by command. Here, not in the commands, so
// `netdoc snapshot` records them too and a view replayed from a snapshot shows what the live view would.
export const VIEW_SYSCTLS = {
  buffers: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', 'net.ipv4.tcp_mem', 'net.core.rmem_default', 'net.core.rmem_max', 'net.core.wmem_default', 'net.core.wmem_max', 'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.netdev_max_backlog', 'net.core.netdev_budget', 'net.core.netdev_budget_usecs'],
  keepalive: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  mtu: ['net.ipv4.tcp_mtu_probing', 'net.ipv4.ipfrag_time', 'net.ipv4.ipfrag_high_thresh'],
  congestion: ['net.ipv4.tcp_congestion_control', 'net.ipv4.tcp_available_congestion_control', 'net.core.default_qdisc', 'net.ipv4.tcp_slow_start_after_idle'],
  queues: ['net.core.somaxconn', 'net.ipv4.tcp_max_syn_backlog'],
  ports: ['net.ipv4.ip_local_port_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps'],
} as const satisfies Record<string, readonly string[]>

export const ALL_VIEW_SYSCTLS: readonly string[] = [...new Set(Object.values(VIEW_SYSCTLS).flat())]
