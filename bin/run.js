#!/usr/bin/env node
// oclif checks the running Node against its own `engines` with semver, 47 modules (~20 ms of every start): netdoc
// checks its own, >=20 (package.json), with a number compare. Set before @oclif/core is imported, hence the
// dynamic import.
if (Number(process.versions.node.split('.')[0]) < 20) process.emitWarning(`netdoc needs Node 20 or later; this is ${process.versions.node}`)
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const { execute } = await import('@oclif/core')

// the error handler is imported only when there is an error: a start does nothing oclif does not
await execute({ dir: import.meta.url }).catch(async (err) => (await import('../dist/cli/errors.js')).handleFatal(err))
