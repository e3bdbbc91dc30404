/** Raised by a pure parser on input it cannot make sense of; the engine turns it into `status: "error"`. */
export class ParseError extends Error {
  constructor(
    readonly what: string,
    detail: string,
  ) {
    super(`${what}: ${detail}`)
    this.name = 'ParseError'
  }
}
