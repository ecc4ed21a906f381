// The shape every bench module exports; bench/index.ts runs them in order and prints one table.
export interface BenchRow {
  metric: string;
  value: string;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchRow[]>;
}
