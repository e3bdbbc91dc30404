// `node --require test/helpers/require-log.cjs bin/run.js ...`: prints on stderr, at exit, one line
// `REQUIRED [paths]` of every CommonJS module the process loaded (oclif and its dependencies are CommonJS).
process.on('exit', () => process.stderr.write(`\nREQUIRED ${JSON.stringify(Object.keys(require.cache))}\n`))
