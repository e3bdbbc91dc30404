// The census's ss command lines, in a module of their own: the engine tells a census it can attribute by its
// command (engine/attribution.ts) without importing the census probe and its parsers on every run.

// No -p: ss -p walks every process's fd table (most of its time on a busy host) and TIME_WAIT has no owner anyway.
// The owners a finding or a view names are looked up afterwards, only when one needs them (engine/attribution.ts).
export const SS_CENSUS = ['ss', '-tano']
/** What snapshots of netdoc 0.3 recorded (owners inline); the parser reads both. */
export const SS_CENSUS_WITH_OWNERS = ['ss', '-tanpo']
