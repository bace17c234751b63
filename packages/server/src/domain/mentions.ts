/**
 * Mentions in message text: `@username` (3–20 of a-z0-9_, any case) and `@room`. A mention must
 * start the text or follow a character that cannot be part of a word or an email address, so
 * "mail@alice.dev" mentions nobody.
 */
const MENTION = /(?<![\w@.])@([a-z0-9_]{3,20})(?![\w])/gi;

export function parseMentions(content: string): { usernames: string[]; room: boolean } {
  const names = new Set<string>();
  let room = false;
  for (const m of content.matchAll(MENTION)) {
    const name = m[1]!.toLowerCase();
    if (name === 'room') room = true;
    else names.add(name);
  }
  return { usernames: [...names], room };
}
