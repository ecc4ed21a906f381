// Every thrown error becomes a SCIM error body: a ScimError as it is, anything else as a 500 that
// reveals nothing; an unknown route is a SCIM 404.
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { notFound, ScimError } from '../errors.ts';
import { errorResponse } from '../response.ts';

export function scimErrors(onInternalError?: (error: unknown) => void): ErrorHandler {
  return (error) => {
    if (error instanceof ScimError) return errorResponse(error);
    onInternalError?.(error);
    return errorResponse(new ScimError(500, undefined, 'internal server error'));
  };
}

export const unknownRoute: NotFoundHandler = (c) => errorResponse(notFound(`no SCIM endpoint at ${new URL(c.req.url).pathname.slice(0, 200)}`));
