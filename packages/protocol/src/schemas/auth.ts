import { z } from 'zod';
import { Email, Id, Password, Timestamp, Username, singleLine, storable } from './common.ts';
import { MeView, ProfileUpdate, UserSummary } from './users.ts';

export const SignupBody = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  /** The one-time setup token the server prints on a fresh database: required for the first (admin) account. */
  setup_token: singleLine(z.string().min(1).max(256)).optional(),
  /** A room invite code: required when the server's SIGNUP is `invite`; the new account joins that room. */
  invite_code: singleLine(z.string().min(1).max(64)).optional(),
  ...ProfileUpdate.shape,
});

/** A password to check against the stored one: loose (it may predate today's rules), but storable like any string. */
const CurrentPassword = storable(z.string().min(1).max(1024));

/** Log in with a username or an email, never both. Formats are loose on purpose: a bad one is just a failed login. */
export const LoginBody = z
  .strictObject({
    username: singleLine(z.string().trim().toLowerCase().min(1).max(254)).optional(),
    email: singleLine(z.string().trim().toLowerCase().min(1).max(254)).optional(),
    password: CurrentPassword,
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

export const PasswordBody = z.strictObject({ password: CurrentPassword });
export const ChangePasswordBody = z.strictObject({ current_password: CurrentPassword, new_password: Password });
export const ChangeEmailBody = z.strictObject({ email: Email, password: CurrentPassword });
export const ChangeUsernameBody = z.strictObject({ username: Username });

export const OkResult = z.object({ ok: z.literal(true) });
export const UserIdParams = z.strictObject({ id: Id });

/** One of my sessions (a login): where it was made and when it was last used (to the minute). */
export const SessionView = z.object({
  id: Id,
  /** The name the client gave itself (the SDK's X-Rooms-Client header), if any. */
  client: z.string().nullable(),
  /** What the User-Agent says, in words: "Firefox on Linux". */
  device: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: Timestamp,
  last_used_at: Timestamp,
  expires_at: Timestamp,
  /** The session of the token that asked. */
  current: z.boolean(),
});
export const SessionList = z.object({ sessions: z.array(SessionView) });
