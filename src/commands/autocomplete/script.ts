// `netdoc autocomplete script SHELL` (hidden): the line the shell set-up sources. @oclif/plugin-autocomplete's command as is (src/cli/autocomplete.ts says why it is not a plugin).
import { autocompleteCommand } from '../../cli/autocomplete.js'

export default await autocompleteCommand('script')
