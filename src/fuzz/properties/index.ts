// Every fuzz property, in the order they run (cheap and specific first, the stateful sweep last).
import type { FuzzProperty } from '../types.ts';
import { createGet } from './create-get.ts';
import { cursorPartition } from './cursor.ts';
import { filterModel } from './filter-model.ts';
import { invalidInputs } from './invalid-input.ts';
import { memberAddIdempotent } from './member-add.ts';
import { pagingPartition } from './paging.ts';
import { patchModel } from './patch-model.ts';
import { statefulDirectory } from './stateful.ts';
import { usernameAnyCase } from './username-case.ts';

// Each property is typed by its own input; the runner only passes a property's inputs back to it.
export const PROPERTIES: ReadonlyArray<FuzzProperty<unknown>> = [
  createGet,
  usernameAnyCase,
  filterModel,
  patchModel,
  pagingPartition,
  cursorPartition,
  invalidInputs,
  memberAddIdempotent,
  statefulDirectory,
] as unknown as ReadonlyArray<FuzzProperty<unknown>>;

export const PROPERTY_IDS = PROPERTIES.map((p) => p.id);
