/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { RoomsClient } from '@rooms/client';
import { TEST_SETUP_TOKEN } from '../../../server/test/helpers/server.ts';

/**
 * The web app's main screens, each opened the way a person opens it, on a server seeded with a
 * small, lived-in community. Shared by the accessibility test (axe on every screen, light and
 * dark, desktop and phone) and `npm run screenshots`, so the screens a person looks at are the
 * screens that are checked.
 */

export const PASSWORD = 'correct horse battery';

export interface SeedUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

/** What the seed made, for screens that go to a room or sign someone in. */
export interface Seed {
  /** alice is the server's first account (its admin); everyone has the password PASSWORD. */
  users: Record<'alice' | 'bob' | 'carol', SeedUser>;
  rooms: Record<'general' | 'design' | 'direct', { id: string }>;
  /** A message in general with a thread of replies. */
  threadRoot: string;
}

export async function seed(baseUrl: string): Promise<Seed> {
  const person = async (username: string, displayName: string) => {
    const client = new RoomsClient({ baseUrl });
    const { user, token } = await client.auth.signup({
      username,
      email: `${username}@example.test`,
      password: PASSWORD,
      setup_token: TEST_SETUP_TOKEN,
      display_name: displayName,
    });
    return { client: new RoomsClient({ baseUrl, token }), user: { id: user.id, username, password: PASSWORD, token } };
  };
  const alice = await person('alice', 'Alice Liddell');
  const bob = await person('bob', 'Bob Builder');
  const carol = await person('carol', 'Carol Danvers');
  await bob.client.users.updateMe({ status_message: 'Building things', bio: 'I fix what breaks.' });
  const general = await alice.client.rooms.create({
    name: 'general',
    type: 'public',
    description: 'Everything and nothing',
    categories: ['general'],
  });
  await bob.client.rooms.join(general.id);
  await carol.client.rooms.join(general.id);
  await alice.client.rooms.create({ name: 'random', type: 'public', description: 'Off topic', categories: ['social'] });
  const design = await alice.client.rooms.create({ name: 'design', type: 'private', description: 'Sketches and mock-ups' });
  const { room: direct } = await alice.client.rooms.openDirect(bob.user.id);
  const say = async (who: typeof alice, roomId: string, content: string, parent_id?: string) =>
    (await who.client.messages.send(roomId, { content, ...(parent_id ? { parent_id } : {}) })).message;
  const welcome = await say(alice, general.id, 'Welcome to **Rooms** 👋 Say hello, and read the [guide](https://example.com/guide).');
  await bob.client.messages.react(welcome.id, '👍');
  await carol.client.messages.react(welcome.id, '🎉');
  await alice.client.messages.pin(welcome.id);
  const question = await say(bob, general.id, 'Hi @alice! Is the new web app ready?');
  await say(alice, general.id, 'Nearly: have a look at `npm run screenshots`.\n\n```ts\nconst rooms = await client.rooms.list();\n```');
  await say(carol, general.id, 'Looks great on my phone.', question.id);
  await say(alice, general.id, 'Thanks! Tell me what breaks.', question.id);
  await say(alice, design.id, 'First mock-ups are up.');
  await say(bob, direct.id, 'Lunch at noon?');
  return {
    users: { alice: alice.user, bob: bob.user, carol: carol.user },
    rooms: { general: { id: general.id }, design: { id: design.id }, direct: { id: direct.id } },
    threadRoot: question.id,
  };
}

/** Signs in through the login form (the app keeps the session across reloads). */
export async function logIn(page: Page, user: SeedUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page
    .getByRole('navigation', { name: 'Rooms' })
    .or(page.getByRole('button', { name: 'Open the room list' }))
    .first()
    .waitFor();
}

export interface Screen {
  /** File name stem for screenshots; the test's name. */
  name: string;
  /** Who is signed in (null: signed out). */
  as: keyof Seed['users'] | null;
  /** Opens the screen from a loaded app (signed in or not as `as` says) and waits until it shows. */
  open(page: Page, seed: Seed, mobile: boolean): Promise<void>;
}

const goto = async (page: Page, path: string) => {
  await page.goto(path);
  await page.locator('#root > *').first().waitFor();
};

/** Opens a room and waits for its messages. */
const room = async (page: Page, id: string) => {
  await goto(page, `/r/${id}`);
  await page.locator('.timeline article.message .message-body').first().waitFor();
};

const panel = (page: Page, name: string) => page.getByRole('complementary', { name, exact: true });

export const SCREENS: Screen[] = [
  {
    name: 'login',
    as: null,
    open: async (page) => void (await goto(page, '/'), await page.getByRole('button', { name: 'Log in' }).waitFor()),
  },
  {
    name: 'signup',
    as: null,
    open: async (page) => void (await goto(page, '/signup'), await page.getByRole('button', { name: 'Create account' }).waitFor()),
  },
  { name: 'room', as: 'alice', open: (page, s) => room(page, s.rooms.general.id) },
  {
    name: 'thread',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.locator('.timeline article.message').filter({ hasText: 'Is the new web app ready?' }).locator('.thread-summary').click();
      await panel(page, 'Thread').locator('.thread-replies article.message').nth(1).waitFor();
    },
  },
  {
    name: 'members',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.getByRole('button', { name: 'Members', exact: true }).click();
      await panel(page, 'Members').locator('.member').nth(2).waitFor();
    },
  },
  {
    name: 'pins',
    as: 'bob',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.getByRole('button', { name: 'Pinned messages' }).click();
      await panel(page, 'Pinned messages').locator('.pin').first().waitFor();
    },
  },
  {
    name: 'room-settings',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('menuitem', { name: 'Room settings and invites' }).click();
      await panel(page, 'Room settings').getByRole('heading', { name: 'About' }).waitFor();
    },
  },
  {
    name: 'profile',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.locator('.timeline article.message .sender').filter({ hasText: 'Bob Builder' }).first().click();
      await panel(page, 'Profile').getByText('I fix what breaks.').waitFor();
    },
  },
  { name: 'direct', as: 'alice', open: (page, s) => room(page, s.rooms.direct.id) },
  {
    // The picker of a message's React button, opened from the keyboard's way in (focus shows the
    // toolbar on a phone too), on the People & body category (skin tones apply there).
    name: 'emoji-picker',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      const message = page.locator('.timeline article.message:not(.system)').nth(1);
      await message.focus();
      await message.getByRole('button', { name: 'React' }).click();
      const picker = page.getByRole('dialog', { name: 'Emoji picker' });
      await picker.getByRole('tab', { name: 'People & body' }).click();
      await picker.getByRole('option').first().waitFor();
    },
  },
  {
    name: 'account',
    as: 'alice',
    open: async (page, s, mobile) => {
      await room(page, s.rooms.general.id);
      if (mobile) await page.getByRole('button', { name: 'Open the room list' }).click();
      await page.getByRole('button', { name: 'Settings: Alice Liddell' }).click();
      await panel(page, 'Your account').getByLabel('Display name').waitFor();
    },
  },
  {
    name: 'notifications',
    as: 'alice',
    open: async (page, s, mobile) => {
      await room(page, s.rooms.design.id);
      if (mobile) await page.getByRole('button', { name: 'Open the room list' }).click();
      await page.getByRole('button', { name: 'Notifications', exact: true }).click();
      await panel(page, 'Notifications').locator('.notification-list > li').first().waitFor();
    },
  },
  {
    name: 'browse',
    as: 'carol',
    open: async (page, s, mobile) => {
      await room(page, s.rooms.general.id);
      if (mobile) await page.getByRole('button', { name: 'Open the room list' }).click();
      await page.getByRole('button', { name: 'Browse', exact: true }).click();
      await page.getByRole('dialog', { name: 'Browse rooms' }).getByText('random', { exact: true }).waitFor();
    },
  },
  {
    name: 'new-room',
    as: 'carol',
    open: async (page, s, mobile) => {
      await room(page, s.rooms.general.id);
      if (mobile) await page.getByRole('button', { name: 'Open the room list' }).click();
      await page.getByRole('button', { name: 'New room', exact: true }).click();
      await page.getByRole('dialog').getByRole('textbox').first().waitFor();
    },
  },
  {
    name: 'switcher',
    as: 'alice',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.keyboard.press('Control+k');
      const input = page.getByRole('dialog', { name: 'Go to a room or person' }).getByRole('combobox');
      await input.fill('b');
      await page.locator('.switcher-option').first().waitFor();
    },
  },
  {
    name: 'search',
    as: 'bob',
    open: async (page, s) => {
      await room(page, s.rooms.general.id);
      await page.getByRole('button', { name: 'Search messages' }).click();
      const box = panel(page, 'Search').getByRole('combobox', { name: 'Search messages' });
      await box.fill('ready');
      await box.press('Enter');
      await panel(page, 'Search').locator('.search-hit mark').first().waitFor();
    },
  },
];
