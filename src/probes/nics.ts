import type { NicDriverStats } from '../model/facts.js'
import { Unavailable } from '../model/errors.js'
import { parseEthtoolDriver, parseEthtoolRings, parseEthtoolStats } from '../parsers/ethtool.js'
import type { Probe } from './probe.js'
import type { Source } from './source.js'

const INSTALL = 'apt-get install -y ethtool'

// ethtool as commands through the Source (so snapshots record them), for each interface of the namespace but lo.
// A driver without statistics or ring parameters (veth has no -g) leaves that part unavailable with the reason;
// ethtool missing altogether makes the whole fact a skip that names the install command.
export const nics: Probe<'nics'> = {
  id: 'nics',
  reads: ['ethtool -i IFACE', 'ethtool -S IFACE', 'ethtool -g IFACE'],
  async collect(source, get) {
    const names = (await get('interfaces')).map((i) => i.name).filter((n) => n !== 'lo')
    const out: NicDriverStats[] = []
    for (const name of names) out.push(await readNic(source, name))
    return out
  },
}

async function run(source: Source, argv: string[]): Promise<string | Unavailable> {
  try {
    return await source.text({ cmd: argv })
  } catch (err) {
    if (!(err instanceof Unavailable)) throw err
    if (/not found/.test(err.reason) && err.reason.includes('ethtool')) throw new Unavailable('skip', `ethtool is not installed, so NIC ring and driver counters cannot be read: ${INSTALL}`)
    return err
  }
}

async function readNic(source: Source, name: string): Promise<NicDriverStats> {
  const nic: NicDriverStats = { name }
  const info = await run(source, ['ethtool', '-i', name])
  if (typeof info === 'string') nic.driver = parseEthtoolDriver(info)
  const stats = await run(source, ['ethtool', '-S', name])
  if (typeof stats === 'string') nic.stats = parseEthtoolStats(stats, `ethtool -S ${name}`)
  else nic.statsUnavailable = stats.reason
  const ring = await run(source, ['ethtool', '-g', name])
  if (typeof ring === 'string') nic.ring = parseEthtoolRings(ring, `ethtool -g ${name}`)
  else nic.ringUnavailable = ring.reason
  return nic
}
