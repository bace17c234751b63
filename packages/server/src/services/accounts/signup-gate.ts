import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../domain/errors.ts';

export type SignupMode = 'open' | 'invite' | 'closed';

/**
 * The setup token of a server whose operator set none: derived from the signing key, so every
 * node sharing that key (scaled mode) accepts the same token, and nothing needs storing. It is
 * useless once the first account exists, and reveals nothing of the key.
 */
export function deriveSetupToken(signingKey: string): string {
  return createHmac('sha256', signingKey).update('rooms/setup-token/v1').digest('base64url').slice(0, 24);
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Who may create an account through sign-up. On a fresh server the first account becomes its
 * admin, so whoever reached it first used to own it: that sign-up now needs the setup token the
 * server prints at start (or the operator uses `rooms admin create`). After it, SIGNUP decides:
 * open to anyone, by room invite only, or closed (accounts come from admins).
 */
export class SignupGate {
  readonly mode: SignupMode;
  /** The token the first account's sign-up must carry. */
  readonly setupToken: string;

  constructor(mode: SignupMode, setupToken: string) {
    this.mode = mode;
    this.setupToken = setupToken;
  }

  /** Throws why this sign-up may not happen: first tells whether the server has no account yet. */
  check(attempt: { first: boolean; setupToken: string | undefined; inviteCode: string | undefined }): void {
    if (attempt.first) {
      if (attempt.setupToken !== undefined && same(attempt.setupToken, this.setupToken)) return;
      throw new DomainError(
        'setup_required',
        'This server has no account yet. The first account becomes its admin: sign up with the setup token printed in the server log at start, or create it with `rooms admin create`.',
      );
    }
    if (this.mode === 'closed') throw new DomainError('signup_closed', 'Sign-up is closed on this server: ask an admin for an account.');
    if (this.mode === 'invite' && attempt.inviteCode === undefined) {
      throw new DomainError('invite_required', 'Sign-up on this server needs an invite: sign up with a room invite code.');
    }
  }
}
