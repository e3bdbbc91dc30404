// TcpInfo facts built by hand for the congestion and mtu check tables.
import type { TcpDestination, TcpInfo, TcpSocketNote } from '../../src/model/facts.js'
import { emptyHistogram } from '../../src/parsers/ss-tcp-info.js'

export function tcpInfo(parts: Partial<TcpInfo> = {}): TcpInfo {
  return { source: 'ss -tnimp state established', sockets: 1, remoteSockets: 0, rttHistogram: emptyHistogram(), byPeer: {}, topRetrans: [], smallRcvbuf: [], byCongestion: {}, destinations: [], destinationsUngrouped: 0, byPmtu: {}, idleSenders: [], ...parts }
}

export const socketNote = (parts: Partial<TcpSocketNote> = {}): TcpSocketNote => ({ local: '10.0.0.1:40000', peer: '10.0.0.2:443', ...parts })

export function destination(parts: Partial<TcpDestination> = {}): TcpDestination {
  return { side: 'client', remote: '10.0.0.2:443', sockets: 1, segsOut: 0, retrans: 0, lost: 0, bytesSent: 0, bytesRetrans: 0, rttSockets: 1, rttSumMs: 20, rttMaxMs: 20, rttVarMaxMs: 2, ...parts }
}
