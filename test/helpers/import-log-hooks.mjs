// Module hooks of import-log.mjs (they run on the loader thread): tell the main thread each module loaded.
let port
export function initialize(data) {
  port = data.port
}
export async function load(url, context, next) {
  port.postMessage(url)
  return next(url, context)
}
