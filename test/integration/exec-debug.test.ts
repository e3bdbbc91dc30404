// DEBUG=netdoc shows each external command the run made and how it ended (src/probes/exec.ts).
import { runCli } from '../helpers/netns.js'

test('DEBUG=netdoc prints every command line and its end on stderr, and nothing extra on stdout', async () => {
  const r = await runCli(['check', '--only', 'queues.accept-queue-fill', '--interval', '0', '--json', '--fail-on', 'never'], { env: { DEBUG: 'netdoc' } })
  expect(r.code).toBe(0)
  expect(JSON.parse(r.stdout).findings[0].check).toBe('queues.accept-queue-fill')
  expect(r.stderr).toMatch(/^netdoc:exec ss -ltnmp$/m)
  expect(r.stderr).toMatch(/^netdoc:exec ss -ltnmp → exit 0$/m)
})
