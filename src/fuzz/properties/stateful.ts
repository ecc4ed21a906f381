// The stateful property: any sequence of directory commands keeps the target equal to the model,
// checked after every step (fast-check commands; shrinking drops and simplifies commands).
import fc from 'fast-check';
import { directoryCommands, emptyModel, type DirectoryCommand } from '../model/commands.ts';
import type { FuzzProperty } from '../types.ts';

export const statefulDirectory: FuzzProperty<Iterable<DirectoryCommand>> = {
  id: 'stateful-directory',
  tag: 'sm',
  title: 'Sequences of create, get, replace, patch, filter and delete match the model',
  refs: ['RFC7644-3.3', 'RFC7644-3.4.1', 'RFC7644-3.5.1', 'RFC7644-3.5.2', 'RFC7644-3.6'],
  requires: ['users'],
  // Its group commands read members back (checkGroup); it still runs on a server that never shows them.
  readsGroups: true,
  arbitrary: (env, replayPath) => directoryCommands(env, replayPath ? { replayPath } : {}),
  async check(env, commands) {
    await fc.asyncModelRun(() => ({ model: emptyModel(), real: env }), commands);
  },
  describe: (commands) => String(commands),
};
