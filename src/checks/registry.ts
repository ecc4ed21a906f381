import { bodyKind } from './body.ts';
import { cursorPageKind, cursorValueKind, cursorWalkKind } from './cursor.ts';
import { discoveryRuleKind, rateLimitKind, schemaDeclaredStoredKind, schemaReturnedDeclaredKind } from './profile.ts';
import { createdOrRejectedKind, errorKind } from './error.ts';
import { listKind, partitionKind, repeatableKind } from './list.ts';
import { locationKind, metaKind, noPasswordKind, returnsResourceKind, versionKind } from './resource.ts';
import { contentTypeKind, noServerErrorKind, schemaKind, statusKind } from './response.ts';
import { laterKind } from './timestamp.ts';
import type { CheckKind } from './types.ts';

const kinds: CheckKind[] = [createdOrRejectedKind, statusKind, noServerErrorKind, contentTypeKind, schemaKind, errorKind, bodyKind, listKind, partitionKind, repeatableKind, locationKind, metaKind, returnsResourceKind, versionKind, noPasswordKind, cursorPageKind, cursorValueKind, cursorWalkKind, discoveryRuleKind, schemaDeclaredStoredKind, schemaReturnedDeclaredKind, rateLimitKind, laterKind];

export const CHECK_KINDS: ReadonlyMap<string, CheckKind> = new Map(kinds.map((k) => [k.kind, k]));

export function checkKind(name: string): CheckKind | undefined {
  return CHECK_KINDS.get(name);
}
