/**
 * Emoji data (emojibase), loaded on demand: a separate chunk that is fetched the first time the
 * picker opens or a `:shortcode:` is typed, never with the app's first load.
 */
export interface EmojiEntry {
  unicode: string;
  label: string;
  group: number;
  tags: string[];
  shortcodes: string[];
  /** Skin-tone variants, light to dark, when the emoji has them. */
  skins: string[] | null;
}

export const GROUPS = [
  'Smileys & emotion',
  'People & body',
  'Component',
  'Animals & nature',
  'Food & drink',
  'Travel & places',
  'Activities',
  'Objects',
  'Symbols',
  'Flags',
];

let loading: Promise<EmojiEntry[]> | null = null;

const RGI = /^\p{RGI_Emoji}$/v;

/**
 * The emoji as one RGI sequence, the form the server accepts for reactions: emojibase writes some
 * with a variation selector the fully-qualified sequence does not have (👍 + U+FE0F).
 */
export function rgi(u: string): string {
  // Without a variation selector there is nothing to take out: u is the answer either way.
  if (!u.includes('\uFE0F') || RGI.test(u)) return u;
  const bare = u.replace(/\uFE0F/g, '');
  return RGI.test(bare) ? bare : u;
}

export function loadEmoji(): Promise<EmojiEntry[]> {
  loading ??= Promise.all([import('emojibase-data/en/compact.json'), import('emojibase-data/en/shortcodes/github.json')]).then(
    ([compact, github]) => {
      const codes = github.default as Record<string, string | string[]>;
      return (
        compact.default as {
          unicode: string;
          label: string;
          group?: number;
          hexcode: string;
          tags?: string[];
          skins?: { unicode: string }[];
        }[]
      )
        .filter((e) => e.group !== undefined && e.group !== 2)
        .map((e) => {
          const sc = codes[e.hexcode];
          return {
            // As emojibase writes them: rgi() is applied to the one picked (EmojiPicker), not to all
            // 4,000 here (its expression over every RGI sequence is slow to build on a phone).
            unicode: e.unicode,
            label: e.label,
            group: e.group!,
            tags: e.tags ?? [],
            shortcodes: sc === undefined ? [] : Array.isArray(sc) ? sc : [sc],
            skins: e.skins ? e.skins.map((s) => s.unicode) : null,
          };
        });
    },
  );
  return loading;
}

export function searchEmoji(all: EmojiEntry[], q: string, limit = 60): EmojiEntry[] {
  const query = q.toLowerCase().replace(/^:|:$/g, '');
  if (!query) return all.slice(0, limit);
  const starts: EmojiEntry[] = [];
  const contains: EmojiEntry[] = [];
  for (const e of all) {
    if (e.shortcodes.some((s) => s.startsWith(query)) || e.label.startsWith(query)) starts.push(e);
    else if (e.shortcodes.some((s) => s.includes(query)) || e.label.includes(query) || e.tags.some((t) => t.startsWith(query)))
      contains.push(e);
    if (starts.length >= limit) break;
  }
  return [...starts, ...contains].slice(0, limit);
}

const RECENT_KEY = 'rooms.emoji.recent';
const SKIN_KEY = 'rooms.emoji.skin';

export function recentEmoji(): string[] {
  try {
    return (JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as string[]).slice(0, 24);
  } catch {
    return [];
  }
}

export function useEmoji(unicode: string): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify([unicode, ...recentEmoji().filter((e) => e !== unicode)].slice(0, 24)));
}

export const skinTone = () => Number(localStorage.getItem(SKIN_KEY) ?? '0');
export const setSkinTone = (n: number) => localStorage.setItem(SKIN_KEY, String(n));

/** The emoji in the chosen skin tone (0: the default yellow), as emojibase writes it (rgi() makes it a reaction). */
export const withSkin = (e: EmojiEntry, tone: number) => (tone > 0 && e.skins?.[tone - 1]) || e.unicode;

/** An emoji without variation selectors: what the forms rgi() takes and gives have in common. */
export const bareEmoji = (u: string) => u.replace(/\uFE0F/g, '');
