#!/usr/bin/env node
// Development entry: oclif's development mode (no manifest cache, fuller errors) over the built dist/.
// There is no TypeScript loader here: run `npm run build` after changing src/.
import { execute } from '@oclif/core'
import { handleFatal } from '../dist/cli/errors.js'

await execute({ development: true, dir: import.meta.url }).catch(handleFatal)
