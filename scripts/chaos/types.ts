import type { Cleanup } from './cleanup';
import type { StoreState } from './model';
import type { Workload } from './workload';

export interface ChaosOptions {
  events: number;
  soakMinutes: number;
  /** Offered soak rate; unset = half the rate measured at the start of the soak. */
  soakRate?: number;
}

export interface ScenarioContext {
  options: ChaosOptions;
  cleanup: Cleanup;
  /** Aborted when the scenario runs out of time; every wait gives up with it. */
  signal: AbortSignal;
  log(line: string): void;
  workload: Workload;
  /** The reference model: the workload's final state with no faults (computed once, before the first scenario that uses it). */
  model(): StoreState;
}

export interface ScenarioResult {
  events: number;
  lost: number | null;
  duplicated: number | null;
  /** e.g. "5 (model 5)". */
  deadLettered: string;
  recovery: string;
  /** What was checked and measured. */
  notes: string[];
  /** Every check that failed; none = pass. */
  problems: string[];
}

export interface Scenario {
  id: number;
  name: string;
  /** Compares its final state with the reference model (the model is built before the first such scenario). */
  usesModel: boolean;
  timeoutMs(options: ChaosOptions): number;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
