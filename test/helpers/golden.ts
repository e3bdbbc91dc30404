// Golden outputs (test/golden): where they live and what is normalised in them: the time of the run, and the chart
// library an HTML report inlines.
// Regenerate with UPDATE_GOLDEN=1 (see DEVELOPING.md).
import { join } from 'node:path'

import { ROOT } from './netns.js'

export const GOLDEN = join(ROOT, 'test', 'golden')
const FIXED_TIME = '2000-01-01T00:00:00.000Z'

/** Puts a fixed time where the run's own time appears, in every format. */
export function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, FIXED_TIME)
    .replace(/timestamp="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"/g, `timestamp="${FIXED_TIME.slice(0, 19)}"`)
    .replace(/^netdoc_last_run_timestamp_seconds \S+$/m, `netdoc_last_run_timestamp_seconds ${Date.parse(FIXED_TIME) / 1000}`)
    // the HTML report's inlined chart library is node_modules' business, not the golden's
    .replace(/<script id="uplot">[\s\S]*?<\/script>/, '<script id="uplot">/* uPlot, inlined from node_modules */</script>')
}
