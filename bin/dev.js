#!/usr/bin/env node
// Runs the TypeScript sources directly is not supported without a loader; build first (npm run build).
import { execute } from '@oclif/core'
import { handleFatal } from '../dist/cli-errors.js'

await execute({ development: true, dir: import.meta.url }).catch(handleFatal)
