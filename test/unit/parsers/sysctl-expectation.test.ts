import { meetsExpectation, parseExpectation, type SysctlExpectation } from '../../../src/checks/support/sysctl-expectation.js'

const parsed = (text: string | number) => {
  const e = parseExpectation(text)
  if (typeof e === 'string') throw new Error(e)
  return e as SysctlExpectation
}

describe('sysctl expectations', () => {
  test.each([
    // expectation, kernel value (as /proc/sys prints it), met
    ['>=4096', '4096', true],
    ['>=4096', '128', false],
    ['>4096', '4096', false],
    ['<=10', '60', false],
    ['<10', '1', true],
    ['1', '1', true],
    [1, '1', true],
    ['1', '0', false],
    ['!=0', '2', true],
    ['=2', '2', true],
    ['==2', '02', true],
    ['4096 87380 6291456', '4096\t87380\t6291456', true],
    ['4096 87380 6291456', '4096\t131072\t6291456', false],
    ['>=4096 >=87380 >=16777216', '4096\t131072\t33554432', true],
    ['>=4096 >=87380 >=16777216', '4096\t131072\t6291456', false],
    ['4096 87380', '4096\t87380\t6291456', false],
    ['bbr', 'bbr', true],
    ['bbr', 'cubic', false],
    ['>=1', 'cubic', false],
  ])('%j on %j → %s', (expectation, actual, met) => {
    expect(meetsExpectation(actual, parsed(expectation))).toBe(met)
  })

  test.each([
    ['', /is empty/],
    ['>=', /malformed operator|needs a number/],
    ['>=abc', /needs a number/],
    ['>>=1', /malformed operator/],
  ])('%j is rejected', (text, why) => {
    expect(parseExpectation(text)).toMatch(why)
  })
})
