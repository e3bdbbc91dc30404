#!/usr/bin/env node
import { execute } from '@oclif/core'
import { handleFatal } from '../dist/cli/errors.js'

await execute({ dir: import.meta.url }).catch(handleFatal)
