// A second command: oclif sorts a plugin's commands with localeCompare, and the first comparison initialises ICU
// collation (~7 ms of CPU on this machine kind). A CLI of one command never compares two, so without this one the
// baseline would skip work every real CLI does.
import { Command } from '@oclif/core'

export default class World extends Command {
  static summary = 'say world'
  async run() {
    this.log('world')
  }
}
