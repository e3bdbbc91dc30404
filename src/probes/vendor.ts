// A package bundled by scripts/vendor.mjs into dist/vendor/FILE at build time (execa: a fraction of its import
// cost), imported on first use; where no build ran (ts-jest) the package itself.
export async function vendored<T>(file: string, installed: () => Promise<T>): Promise<T> {
  try {
    return (await import(new URL(`../vendor/${file}`, import.meta.url).href)) as T
  } catch (err) {
    // node says ERR_MODULE_NOT_FOUND, jest's resolver MODULE_NOT_FOUND; anything else is a broken bundle
    const code = (err as { code?: string } | undefined)?.code
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err
    return installed()
  }
}
