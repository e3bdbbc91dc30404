import { Command } from '@oclif/core'

export default class Hello extends Command {
  static summary = 'say hello'
  async run() {
    this.log('hello')
  }
}
