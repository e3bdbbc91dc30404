// `netdoc autocomplete` is @oclif/plugin-autocomplete's command, declared among netdoc's own commands instead of
// as an oclif plugin: a plugin costs every start (its package.json and manifest read, the dependencies matched
// against the plugin list), while a command of ours is imported only when it runs (the manifest lists it).
import type { Command } from '@oclif/core'

/** The plugin's command `file` (its package exports only lib/index.js; the commands are files beside it). */
export async function autocompleteCommand(file: 'index' | 'create' | 'script'): Promise<Command.Class> {
  const url = new URL(`./commands/autocomplete/${file}.js`, import.meta.resolve('@oclif/plugin-autocomplete'))
  return ((await import(url.href)) as { default: Command.Class }).default
}
