import type { z } from 'zod';
import { isDomainError } from '../../domain/errors.ts';

/**
 * The result strings of the "namespace" protocol (GATEWAYS.md §2), as the original server wrote
 * them. Where the original had none for a Rooms refusal, the string is ours and says so below.
 */
export const R = {
  /** The original's "<field> is length less than 8", with this server's minimum. */
  tooShort: (field: string, min: number) => `${field} is length less than ${min}`,
  unknownNamespace: 'unknown namespace',
  emptyAccountValue: 'empty account value',
  unwantedCharacter: 'unwanted character in username',
  accessGranted: 'access granted',
  accessDenied: 'access denied: incorrect password',
  accountExistsFalse: 'account exists: false',
  accountExistsTrue: 'account exists: true',
  accountGenerated: 'account generated: true',
  multipleAccounts: 'multiple accounts with this email',
  emailEmpty: 'email is empty',
  displayNameRequired: 'displayName is required',
  displayNameUpdated: 'displayName updated: true',
  updateDisplayNameEmpty: 'updateDisplayName is empty',
  usernameUpdated: 'username updated: true',
  updateUsernameExists: 'account updateUsername exists: true',
  passwordUpdated: 'password updated: true',
  passwordSameAsOld: 'password update: updatePassword match oldPassword',
  deactivated: 'account deactivate: true',
  roomGenerated: 'room generated: true',
  roomRequired: 'room is required',
  roomTitleRequired: 'room title is required',
  roomDeleted: 'room deleted: true',
  roomExistsFalse: 'room exists: false',
  liked: 'liked room',
  unliked: 'unliked room',
  likeOwnRoom: 'you can not like your own room',
  roomMatchFound: 'room match found: true',
  userMatchFound: 'user match found: true',
  userMatchNotFound: 'user match found: false',
  roomsFound: 'rooms found: true',
  notFollowing: 'you are not following any user',
  followedUsersHaveNoRooms: 'you follow users with 0 rooms',
  followed: 'followed user',
  unfollowed: 'unfollowed user',
  followingAccountMissing: 'following account exists: false',
  followSelf: 'userId matches current user id',
  /** Ours: a request that broke something we did not foresee (logged with its error). */
  serverError: 'server error',
} as const;

/** `"<field> is required"`: the original's answer to a missing request field. */
export const required = (field: string): string => `${field} is required`;

/** Ours: a field of the wrong type or refused by Rooms' rules, with the rule's own words. */
export const invalid = (field: string, why = 'must be a string'): string => `${field} is invalid: ${why}`;

const retry = (err: { retryAfterSeconds: number | undefined }): string =>
  err.retryAfterSeconds === undefined ? '' : `, try again in ${err.retryAfterSeconds} seconds`;

/**
 * The result for a refusal of Rooms' services that no namespace answers in its own words: the
 * lockout, the rate limits and the password line (ours, with when to retry), a wrong password
 * (the original's), and any other DomainError as `"<code>: <message>"` (ours: the code the REST API
 * answers, so a client can tell them apart). Anything else is not the client's doing.
 */
export function resultOfError(err: unknown): string | undefined {
  if (!isDomainError(err)) return undefined;
  switch (err.code) {
    case 'invalid_credentials':
    case 'wrong_password':
      return R.accessDenied;
    case 'login_blocked':
      return `access denied: too many failed logins${retry(err)}`;
    case 'rate_limited':
      return `too many requests${retry(err)}`;
    case 'server_busy':
    case 'unavailable':
      return `server busy${retry(err)}`;
    case 'validation_failed': {
      // A configured limit the services checked (SPEC §12): the field in the protocol's words, as a refused schema says it.
      const first = Array.isArray(err.details) ? (err.details[0] as { field?: unknown; message?: unknown } | undefined) : undefined;
      if (typeof first?.field === 'string' && typeof first.message === 'string') {
        const key = first.field.replace(/^body\./, '');
        return invalid(FIELD_NAMES[key] ?? key, first.message);
      }
      return `${err.code}: ${err.message}`;
    }
    default:
      return `${err.code}: ${err.message}`;
  }
}

/** Rooms' field names (REST) → the protocol's, for the words of a validation refusal. */
const FIELD_NAMES: Record<string, string> = {
  display_name: 'displayName',
  new_password: 'updatePassword',
  setup_token: 'setupToken',
  invite_code: 'inviteCode',
  birth_date: 'basicInfo.birthDate',
  gender: 'basicInfo.sex',
  race: 'basicInfo.race',
  height_cm: 'basicInfo.height',
  weight_kg: 'basicInfo.weight',
  relationship_status: 'basicInfo.maritalStatus',
  interested_in: 'basicInfo.interestedIn',
  country: 'basicInfo.country',
  languages: 'personalInfo.languages',
  hobbies: 'personalInfo.hobbies',
  health: 'personalInfo.health',
  phone: 'phone',
  name: 'room.title',
  description: 'room.description',
  categories: 'room.categories',
  member_limit: 'room.memberLimit',
  topic_kind: 'room.topicKind',
  type: 'room.type',
};

/** The first issue of a failed validation in the protocol's words: `"<field> is invalid: <why>"`. */
export function resultOfIssues(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  if (!issue) return invalid('request', 'refused');
  // A profile field's path is profile.<field>.value: the field names it.
  const key = issue.path.find((p): p is string => typeof p === 'string' && p !== 'profile' && p !== 'value') ?? 'request';
  return invalid(FIELD_NAMES[key] ?? key, issue.message);
}
