// A request from the page or the admin API that cannot be done (a bad body, an unknown user, an
// edit the directory file cannot take); `status` is the HTTP status the API answers with.
export class ConsoleError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}
