/** Default limits from SPEC section 12. The server may configure some of them; clients use them for hints. */
export const LIMITS = {
  username: { min: 3, max: 20, pattern: /^[a-z0-9_]+$/ },
  password: { min: 8, max: 128 },
  displayName: { min: 1, max: 50 },
  statusMessage: { max: 100 },
  bio: { max: 500 },
  phone: { max: 32 },
  website: { max: 2048 },
  email: { max: 254 },
  profileText: { max: 100 },
  profileList: { maxItems: 20, itemMax: 50 },
  searchQuery: { min: 1, max: 50 },
  page: { max: 100, default: 50 },
} as const;
