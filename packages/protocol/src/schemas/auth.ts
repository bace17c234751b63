import { z } from 'zod';
import { Email, Id, Password, Timestamp, Username } from './common.ts';
import { MeView, ProfileUpdate, UserSummary } from './users.ts';

export const SignupBody = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  /** The one-time setup token the server prints on a fresh database: required for the first (admin) account. */
  setup_token: z.string().min(1).max(256).optional(),
  /** A room invite code: required when the server's SIGNUP is `invite`; the new account joins that room. */
  invite_code: z.string().min(1).max(64).optional(),
  ...ProfileUpdate.shape,
});

/** Log in with a username or an email, never both. Formats are loose on purpose: a bad one is just a failed login. */
export const LoginBody = z
  .strictObject({
    username: z.string().trim().toLowerCase().min(1).max(254).optional(),
    email: z.string().trim().toLowerCase().min(1).max(254).optional(),
    password: z.string().min(1).max(1024),
  })
  .refine((b) => (b.username === undefined) !== (b.email === undefined), {
    message: 'give either username or email',
    path: ['username'],
  });

export const AuthResult = z.object({ token: z.string(), expires_at: Timestamp, user: MeView });

/** 300 answer: several accounts share the email and the password matched more than one. */
export const AccountChoice = z.object({
  message: z.string(),
  accounts: z.array(UserSummary.pick({ id: true, username: true, display_name: true })),
});

export const WsTicket = z.object({ ticket: z.string(), expires_at: Timestamp });

export const PasswordBody = z.strictObject({ password: z.string().min(1).max(1024) });
export const ChangePasswordBody = z.strictObject({ current_password: z.string().min(1).max(1024), new_password: Password });
export const ChangeEmailBody = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
export const ChangeUsernameBody = z.strictObject({ username: Username });

export const OkResult = z.object({ ok: z.literal(true) });
export const UserIdParams = z.strictObject({ id: Id });
