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
  /** GET /rooms: a user may be in up to MAX_JOINED_ROOMS (default 1,000) rooms. */
  roomPage: { max: 200, default: 100 },
} as const;

/** Rooms and messages (SPEC sections 2, 3, 12). */
export const ROOM_LIMITS = {
  name: { min: 1, max: 100 },
  description: { max: 1000 },
  memberLimit: { min: 2, max: 10_000 },
  categories: { maxItems: 9 },
  message: { min: 1, max: 10_000 },
  editWindowSeconds: 15 * 60,
  inviteDefaultSeconds: 7 * 24 * 3600,
  inviteMaxSeconds: 365 * 24 * 3600,
  reportReason: { max: 1000 },
  clientId: { max: 64 },
} as const;

/** Attachments (SPEC section 4): the per-file size is the server's ATTACHMENT_MAX_BYTES (this is its default). */
export const ATTACHMENT_LIMITS = {
  maxBytesDefault: 10 * 1024 * 1024,
  perMessage: 10,
  /** Filenames are kept for display only, cut to this many characters. */
  filename: { max: 255 },
  /** Thumbnails fit in a square of this many pixels. */
  thumbnailBox: 400,
} as const;

export const DEFAULT_ROOM_CATEGORIES = ['general', 'social', 'support', 'study', 'work', 'gaming', 'health', 'music', 'other'] as const;

/**
 * SPEC §12: every limit is configurable, and the values above are the defaults. Request schemas
 * check only these ceilings (the widest a server may be configured to, so that a raised limit is not
 * refused before the server sees it); the server's services check its configured values, and
 * `GET /limits` tells clients what they are (form hints, counters).
 */
export const LIMIT_CEILINGS = {
  username: { min: 1, max: 64 },
  password: { min: 1, max: 1024 },
  displayName: { max: 200 },
  statusMessage: { max: 1000 },
  roomName: { max: 500 },
  message: { max: 100_000 },
} as const;

/** A server's limits as `GET /limits` answers them. */
export interface ServerLimits {
  username: { min: number; max: number };
  password: { min: number; max: number };
  display_name: { min: number; max: number };
  status_message: { max: number };
  room_name: { min: number; max: number };
  message: { min: number; max: number };
  edit_window_seconds: number;
  invite_default_seconds: number;
  typing_seconds: number;
  away_after_seconds: number;
  attachment_max_bytes: number;
  attachments_per_message: number;
  message_rate: { limit: number; window_seconds: number };
}

/** What a server with no limit configured answers (clients use it until they have asked). */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  username: { min: LIMITS.username.min, max: LIMITS.username.max },
  password: { ...LIMITS.password },
  display_name: { ...LIMITS.displayName },
  status_message: { ...LIMITS.statusMessage },
  room_name: { ...ROOM_LIMITS.name },
  message: { ...ROOM_LIMITS.message },
  edit_window_seconds: ROOM_LIMITS.editWindowSeconds,
  invite_default_seconds: ROOM_LIMITS.inviteDefaultSeconds,
  typing_seconds: 5,
  away_after_seconds: 5 * 60,
  attachment_max_bytes: ATTACHMENT_LIMITS.maxBytesDefault,
  attachments_per_message: ATTACHMENT_LIMITS.perMessage,
  message_rate: { limit: 10, window_seconds: 10 },
};
