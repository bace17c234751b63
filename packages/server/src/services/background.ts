/**
 * Where a service reports a failure of work it started on its own (a timer, not a request): the
 * server logs it. Left unhandled, such a rejection would take the process down.
 */
export type BackgroundErrorHandler = (err: unknown, what: string) => void;
