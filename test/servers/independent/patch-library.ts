// PATCH (RFC 7644 §3.5.2) applied by the scim-patch library (thomaspoignant/scim-patch) instead of
// this server's own patch.ts: a third implementation of the PATCH semantics, as a vendor who builds
// on that library ships it. The server around it (store, validation, filters, errors) is unchanged;
// only what the library throws is turned into a SCIM error, with the scimType it names.
import { patchBodyValidation, scimPatch, ScimError as LibraryError, type ScimPatch, type ScimResource } from 'scim-patch';
import { badRequest, type ScimType } from './errors.ts';
import type { Resource } from './validate.ts';

export function applyPatchWithLibrary(stored: Resource, body: unknown): Resource {
  try {
    patchBodyValidation(body as ScimPatch);
    return scimPatch(structuredClone(stored) as unknown as ScimResource, (body as ScimPatch).Operations, { mutateDocument: true }) as unknown as Resource;
  } catch (error) {
    if (error instanceof LibraryError) throw badRequest((error.scimCode ?? 'invalidSyntax') as ScimType, error.message);
    throw badRequest('invalidValue', error instanceof Error ? error.message : String(error));
  }
}
