// The shape every bench module exports; bench/index.ts runs them in order and prints one table.
export interface BenchRow {
  metric: string;
  value: string;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchRow[]>;
}

// The job bench/idp.ts gives bench/idp-worker.mjs, and the one JSON line the worker prints back.
export interface WorkerJob {
  mode: 'engine' | 'bare';
  directoryFile: string;
  url: string;
  token: string;
  concurrency: number;
  rate?: number;
  /** Log folder for the engine (JSONL + HTML); absent: no log. */
  logDir?: string;
  /** State file for the engine (its journal and end-of-cycle snapshot), as `idp sync` keeps one. */
  statePath?: string;
}

export interface WorkerResult {
  seconds: number;
  /** User + system CPU time of this process over the cycle. */
  cpuSeconds: number;
  requests: number;
  status: string;
  /** RSS when the process started (node alone), before the directory or the IdP loaded. */
  startRssMiB: number;
  /** RSS once the directory is loaded, before the cycle. */
  loadedRssMiB: number;
  /** The kernel's high-water mark of this process's RSS (getrusage maxrss): the true peak. */
  peakRssMiB: number;
}
