import type { RequestAccount } from './precheck.ts';
import { invalid } from './results.ts';

/**
 * The original's sign-up account object → the body POST /auth/signup takes (validated after this
 * by the same schema). Its personal fields map onto Rooms' profile: basicInfo.sex → gender,
 * height/weight ("48.0") → numbers, birthDate "2001/05/12" → 2001-05-12, maritalStatus →
 * relationship_status, interestedInMen/Women → interested_in; personalInfo's lists as they are. A
 * website without a scheme ("example.com") is taken as http://. Fields Rooms does not know are left out.
 */
export function toSignupBody(a: RequestAccount): { body: Record<string, unknown> } | { refused: string } {
  const personal = a.personalInfo ?? {};
  const basic = a.basicInfo ?? {};
  if (!isObject(personal)) return { refused: invalid('personalInfo', 'must be an object') };
  if (!isObject(basic)) return { refused: invalid('basicInfo', 'must be an object') };
  const fields: Record<string, unknown> = {
    phone: a.phone,
    health: personal.health,
    hobbies: personal.hobbies,
    languages: personal.languages,
    gender: basic.sex,
    race: basic.race,
    height_cm: roundedNumber(basic.height),
    weight_kg: number(basic.weight),
    birth_date: typeof basic.birthDate === 'string' ? basic.birthDate.trim().replaceAll('/', '-') : basic.birthDate,
    relationship_status: basic.maritalStatus,
    interested_in: interestedIn(basic),
    country: basic.country,
  };
  const profile = Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, value]) => [k, { value }]),
  );
  const body: Record<string, unknown> = {
    username: a.username,
    email: a.email,
    password: a.password,
    display_name: a.displayName,
    bio: a.bio === '' ? undefined : a.bio,
    website:
      typeof a.website === 'string' && a.website.trim() !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(a.website.trim())
        ? `http://${a.website.trim()}`
        : a.website || undefined,
    setup_token: a.setupToken,
    invite_code: a.inviteCode,
    profile: Object.keys(profile).length > 0 ? profile : undefined,
  };
  return { body: Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "12.9" → 12.9; anything else as it came (the schema then says what is wrong with it). */
function number(v: unknown): unknown {
  if (typeof v !== 'string' || v.trim() === '') return v;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

/** Heights are whole centimetres in Rooms: "48.0" → 48. */
function roundedNumber(v: unknown): unknown {
  const n = number(v);
  return typeof n === 'number' ? Math.round(n) : n;
}

const yes = (v: unknown): boolean => v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');

function interestedIn(basic: Record<string, unknown>): string | undefined {
  if (typeof basic.interestedIn === 'string') return basic.interestedIn;
  const men = yes(basic.interestedInMen);
  const women = yes(basic.interestedInWomen);
  if (men && women) return 'men and women';
  if (men) return 'men';
  if (women) return 'women';
  return undefined;
}
