/**
 * Zod's default messages ("Invalid input: expected string, received undefined") say what the
 * parser saw, not what the user should do. Each default is rewritten as what the field needs;
 * messages our schemas set themselves ("must be at least 3 characters") are kept as written.
 */
interface Issue {
  keyword: string;
  message?: string | undefined;
  params?: Record<string, unknown> | undefined;
}

const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  bigint: 'a whole number',
};
const FORMATS: Record<string, string> = {
  uuid: 'an id (a UUID)',
  email: 'an email address',
  url: 'a URL',
  datetime: 'a date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)',
  date: 'a date (YYYY-MM-DD)',
  regex: 'in the expected format',
};

const isDefault = (m: string | undefined): boolean => m === undefined || /^(Invalid|Too (small|big)|Unrecognized|Expected)/.test(m);

function bound(p: Record<string, unknown>, which: 'minimum' | 'maximum'): string {
  const n = String(p[which]);
  const word = which === 'minimum' ? 'at least' : 'at most';
  if (p.origin === 'string') return `must be ${word} ${n} characters`;
  if (p.origin === 'array' || p.origin === 'set') return `must have ${word} ${n} items`;
  const strict = p.inclusive === false ? (which === 'minimum' ? 'greater than' : 'less than') : word;
  return `must be ${strict} ${n}`;
}

/** What a field needs, in words a user understands. */
export function humanMessage(v: Issue): string {
  if (!isDefault(v.message)) return v.message!;
  const p = v.params ?? {};
  switch (v.keyword) {
    case 'invalid_type':
      if (/received undefined/.test(v.message ?? '')) return 'is required';
      return `must be ${KINDS[String(p.expected)] ?? String(p.expected)}`;
    case 'too_small':
      return bound(p, 'minimum');
    case 'too_big':
      return bound(p, 'maximum');
    case 'invalid_value':
      return Array.isArray(p.values) ? `must be one of: ${p.values.map(String).join(', ')}` : 'is not one of the allowed values';
    case 'invalid_format':
      return `must be ${FORMATS[String(p.format)] ?? `a valid ${String(p.format)}`}`;
    case 'invalid_union':
      return 'is not in any accepted form';
    case 'not_multiple_of':
      return `must be a multiple of ${String(p.divisor)}`;
    default:
      return 'is not valid';
  }
}
