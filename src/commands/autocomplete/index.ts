// `netdoc autocomplete [SHELL]`: the set-up instructions, and the completion cache built. @oclif/plugin-autocomplete's command as is (src/cli/autocomplete.ts says why it is not a plugin).
import { autocompleteCommand } from '../../cli/autocomplete.js'

export default await autocompleteCommand('index')
