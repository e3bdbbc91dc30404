// Opens a page in Debian's headless Chromium through playwright-core (its own browser download cannot work
// here), with a fresh profile, and records what a reader would not see: console errors, page errors, requests
// and the ones that failed. The test that calls it needs the tool 'chromium' (requires.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { BrowserContext, Page } from 'playwright-core'

import { ROOT } from './netns.js'

export const CHROMIUM = '/usr/bin/chromium'
/** Screenshots the tests keep (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts')

export interface OpenedPage {
  page: Page
  /** console messages of type error, uncaught page errors */
  errors: string[]
  /** every URL the page asked for */
  requests: string[]
  failedRequests: string[]
  close: () => Promise<void>
}

export async function openInChromium(file: string): Promise<OpenedPage> {
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'netdoc-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const opened: OpenedPage = {
    page,
    errors: [],
    requests: [],
    failedRequests: [],
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
  page.on('console', (m) => {
    if (m.type() === 'error') opened.errors.push(m.text())
  })
  page.on('pageerror', (e) => opened.errors.push(e.message))
  page.on('request', (r) => opened.requests.push(r.url()))
  page.on('requestfailed', (r) => opened.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`))
  await page.goto(`file://${file}`, { waitUntil: 'load' })
  return opened
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return join(ARTIFACTS, name)
}
