// `node --import test/helpers/import-log.mjs bin/run.js ...`: prints on stderr, at exit, one line
// `IMPORTED [urls]` of every module of dist/ the process loaded (the lazy-registry test reads it).
import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'

const { port1, port2 } = new MessageChannel()
const seen = []
port1.on('message', (url) => seen.push(url))
port1.unref()
register('./import-log-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] })
process.on('exit', () => process.stderr.write(`\nIMPORTED ${JSON.stringify(seen.filter((u) => u.includes('/dist/')))}\n`))
