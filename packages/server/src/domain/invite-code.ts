import { randomInt } from 'node:crypto';

/** No 0/O, 1/l/I: codes are read aloud and typed by hand. */
export const INVITE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const INVITE_CODE_LENGTH = 10;

/** A crypto-random invite code: 10 characters of a 31-letter alphabet, about 49 bits. */
export function newInviteCode(): string {
  let code = '';
  for (let i = 0; i < INVITE_CODE_LENGTH; i++) code += INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)];
  return code;
}
