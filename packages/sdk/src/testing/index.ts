export { EmulatorClock } from './emulator-clock.js';
export { type InjectableFault, InjectedFaults, type PendingFault } from './injected-faults.js';
export { KeyedUpdates } from './keyed-updates.js';
export type { ProcessRunOptions, ProcessRunResult, RunOptions, RunResult } from './run.js';
export { argsFor, collectResult, parseCatalog, runConnector, runConnectorProcess } from './run.js';
export { type RunnableTarget, runTarget, type TargetInput, type TargetRun } from './run-target.js';
export { hashString, RecordRng, seededHash, seededRandom } from './seeded.js';
export type { ConformanceOptions, ConformanceReport } from './tap-conformance.js';
export { ConformanceError, checkTapConformance, recordProblems } from './tap-conformance.js';
