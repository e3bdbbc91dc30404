#!/usr/bin/env node
import { execute } from '@oclif/core'

// the error handler is imported only when there is an error: a start does nothing oclif does not
await execute({ dir: import.meta.url }).catch(async (err) => (await import('../dist/cli/errors.js')).handleFatal(err))
