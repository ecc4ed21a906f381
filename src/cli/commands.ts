// The command table: the one place a CLI command is registered.
//
// main.ts builds the program from this table and imports the module of the one command being run
// (or named in `help <command>`), never the others, so `--version`, `--help` and the first line of
// a run stay fast. Every other command is a stub carrying only its name and summary, for the
// top-level help and for commander's "did you mean" suggestions.
//
// To add a command `foo`:
//   1. write src/cli/foo.ts exporting `registerFoo(program: Command): void`, which calls
//      `program.command('foo').description(<the same summary as below>)` and adds its options
//      and action; heavy work (suites, schemas, servers) happens inside the action, not at import;
//   2. add one entry below, loading it with a dynamic `import()`.
// Never import a command module statically from main.ts or from this file: test/cli/commands.test.ts
// holds that rule, and checks that each summary matches the command's own description.
import type { Command } from 'commander';

export interface CommandEntry {
  /** The word a person types: `scimproof <name>`. */
  readonly name: string;
  /** Arguments shown in the top-level help, e.g. `<run.json>`. */
  readonly args?: string;
  /** One line for `scimproof --help`; equal to the description the command module registers. */
  readonly summary: string;
  /** Imports the command module and returns its register function. */
  load(): Promise<(program: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the conformance suites against a SCIM endpoint (or the embedded reference server) and write reports',
    load: async () => (await import('./run.ts')).registerRun,
  },
  {
    name: 'fuzz',
    summary: 'fuzz a SCIM endpoint with generated requests checked against a model; shrink every failure to a minimal, replayable case',
    load: async () => (await import('./fuzz.ts')).registerFuzz,
  },
  {
    name: 'serve',
    summary: 'run the reference SCIM 2.0 server (in memory unless --data is given)',
    load: async () => (await import('./serve.ts')).registerServe,
  },
  {
    name: 'idp',
    args: '<command>',
    summary: 'be Entra ID or Okta on the laptop: sync a directory fixture into a SCIM app',
    load: async () => (await import('./idp.ts')).registerIdp,
  },
  {
    name: 'report',
    args: '<run.json…>',
    summary: 're-render the HTML, JUnit and JSON reports from a run.json, without touching the network',
    load: async () => (await import('./report.ts')).registerReport,
  },
  {
    name: 'clean',
    summary: "delete what an earlier run left on a target: only resources whose userName, displayName or externalId carries the run's prefix",
    load: async () => (await import('./clean.ts')).registerClean,
  },
  {
    name: 'certify',
    args: '<programme>',
    summary: "pre-flight a certification programme offline: Microsoft's Entra app gallery validation or Okta's OIN SCIM tests, test by test, with their auth",
    load: async () => (await import('./certify.ts')).registerCertify,
  },
  {
    name: 'federation',
    args: '<command>',
    summary: "play Microsoft Entra ID's side of workload identity federation (RFC 7523 client assertions) for a dev server",
    load: async () => (await import('./federation.ts')).registerFederation,
  },
];

/** The command a command line asks for: the first word that is not an option (`help X` asks for X). */
export function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
