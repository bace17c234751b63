/** Who is calling: the authenticated account, as every service method receives it. */
export interface Actor {
  id: string;
  isAdmin: boolean;
  tokenVersion: number;
  /** The caller's address, for per-IP limits. */
  ip: string;
  /** The session (login) the caller's token belongs to; absent for callers without one (tests, jobs). */
  sessionId?: string | undefined;
}
