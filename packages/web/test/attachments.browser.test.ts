/**
 * Files in the browser, two people in two contexts against a real server serving the real build:
 * attach (button, drop, paste), progress and cancel, refusals with their reason, thumbnails sized
 * before they load, the lightbox, file cards with downloads, and the avatar upload.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { validCorpus } from '../../server/test/helpers/corpus/valid.ts';
import { signup, type TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type Tab } from './helpers/browser.ts';

const skip = browserSkip();
/** Set to a directory to keep screenshots (light, dark, 360 px) of the composer, a message with files and the lightbox. */
const SHOTS = process.env.ATTACHMENT_SCREENSHOTS;

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const PDF = `%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj
trailer<</Root 1 0 R>>
%%EOF
`;

/** A PE executable header: what Windows would run, whatever the name says. */
function exe(): Buffer {
  const b = Buffer.alloc(512);
  b.write('MZ', 0);
  b.writeUInt32LE(64, 0x3c);
  b.write('PE\0\0', 64, 'latin1');
  return b;
}

type FileSpec = { name: string; mimeType: string; buffer: Buffer };

const room = (p: Page, name: string) => p.getByRole('region', { name });
const tray = (p: Page) => p.getByRole('list', { name: 'Files to send' });

/** Picks files through the paperclip button's file chooser. */
async function attach(page: Page, files: FileSpec[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files' }).click()]);
  await chooser.setFiles(files);
}

/** Waits until every upload in the tray has finished (its progress bar says uploaded). */
async function uploaded(page: Page, names: string[]): Promise<void> {
  for (const name of names)
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('progress')].some(
          (p) => p.getAttribute('aria-label') === n && p.getAttribute('aria-valuetext') === 'uploaded',
        ),
      name,
    );
}

describe('attachments in the browser', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let ann: Tab & { user: Awaited<ReturnType<typeof signup>> };
  let ben: Tab & { user: Awaited<ReturnType<typeof signup>> };
  let photo: Buffer;
  const roomName = 'Holiday';

  async function signedIn(user: Awaited<ReturnType<typeof signup>>, opts: Parameters<typeof openTab>[2] = {}) {
    const tab = await openTab(browser, server, opts);
    await tab.context.addInitScript((t) => localStorage.setItem('rooms.token', t), user.token);
    return { ...tab, user };
  }

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    await signup(server.url); // the server's admin is someone else
    const [a, b] = [await signup(server.url, { display_name: 'Ann Archer' }), await signup(server.url, { display_name: 'Ben Baker' })];
    const r = (await a.api.post('/rooms', { name: roomName })).body;
    await b.api.post(`/rooms/${r.id}/join`, {});
    ann = await signedIn(a);
    ben = await signedIn(b);
    // 640×480 of noise (incompressible: a PNG of about 900 KB, so the upload takes a few progress steps).
    const raw = randomBytes(640 * 480 * 3);
    photo = await sharp(raw, { raw: { width: 640, height: 480, channels: 3 } })
      .png()
      .toBuffer();
    for (const t of [ann, ben]) {
      await t.page.goto('/');
      await t.page
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('link', { name: new RegExp(roomName) })
        .click();
      await room(t.page, roomName).getByRole('log').waitFor();
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Ann attaches an image and a PDF (a progress bar each) and sends; Ben sees the thumbnail at its size before it loads, opens the lightbox, downloads the PDF', async () => {
    await attach(ann.page, [
      { name: 'beach.png', mimeType: 'image/png', buffer: photo },
      { name: 'tickets & <plans>.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) },
    ]);
    await tray(ann.page).getByRole('progressbar', { name: 'beach.png' }).waitFor();
    await tray(ann.page).getByRole('progressbar', { name: 'tickets & <plans>.pdf' }).waitFor();
    await uploaded(ann.page, ['beach.png', 'tickets & <plans>.pdf']);
    // The filename is text: shown as typed, no element made of it.
    await tray(ann.page).getByText('tickets & <plans>.pdf', { exact: true }).waitFor();
    assert.equal(await ann.page.locator('plans').count(), 0);
    if (SHOTS) await ann.page.screenshot({ path: join(SHOTS, 'composer-light.png') });
    const box = ann.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('Our beach');
    await box.press('Enter');
    assert.equal(await tray(ann.page).count(), 0, 'the tray empties on send');

    const msg = room(ben.page, roomName).getByRole('article').filter({ hasText: 'Our beach' });
    await msg.waitFor();
    const img = msg.getByRole('img', { name: 'beach.png' });
    // Sized from the stored dimensions: 640×480 fits 320×240, before a byte of the image arrived.
    assert.deepEqual([await img.getAttribute('width'), await img.getAttribute('height')], ['320', '240']);
    await ben.page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('img[alt="beach.png"]')].some((i) => i.complete && i.naturalWidth > 0),
    );
    const shown = await img.boundingBox();
    assert.ok(
      shown && Math.abs(shown.width / shown.height - 4 / 3) < 0.02,
      `shown at the image's proportions (${shown?.width}×${shown?.height})`,
    );
    // The name the server kept (it sanitises names: the angle brackets may be replaced), as text.
    const card = msg.getByRole('group', { name: /^File tickets & / });
    const pdfName = (await card.locator('.file-name').textContent())!;
    assert.match(pdfName, /^tickets & .plans.\.pdf$/);
    assert.equal(await ben.page.locator('plans').count(), 0);
    if (SHOTS) await ben.page.screenshot({ path: join(SHOTS, 'message-light.png') });

    const opener = msg.getByRole('button', { name: 'Open image beach.png' });
    await opener.click();
    const dialog = ben.page.getByRole('dialog', { name: 'beach.png' });
    await dialog.waitFor();
    await ben.page.waitForFunction(() => {
      const full = document.querySelector<HTMLImageElement>('dialog.lightbox img');
      return !!full && full.complete && full.naturalWidth === 640;
    });
    if (SHOTS) await ben.page.screenshot({ path: join(SHOTS, 'lightbox-light.png') });
    await ben.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await opener.evaluate((el) => el === document.activeElement), true, 'focus is back on the thumbnail');

    const [download] = await Promise.all([
      ben.page.waitForEvent('download'),
      card.getByRole('link', { name: `Download ${pdfName}` }).click(),
    ]);
    assert.equal(download.suggestedFilename(), pdfName);
    assert.equal(readFileSync((await download.path())!, 'utf8'), PDF);
    assert.deepEqual(ben.problems.all(), []);
  });

  it('a refused upload shows its reason: EICAR as malware, an executable renamed .png refused; removing it clears the tray', async () => {
    await attach(ann.page, [
      { name: 'eicar.txt', mimeType: 'text/plain', buffer: Buffer.from(EICAR) },
      { name: 'cute cat.png', mimeType: 'image/png', buffer: exe() },
    ]);
    const alerts = tray(ann.page).getByRole('alert');
    await alerts.filter({ hasText: 'eicar.txt' }).filter({ hasText: 'looks like malware' }).waitFor();
    await alerts
      .filter({ hasText: 'cute cat.png' })
      .filter({ hasText: /malware|cannot be shared/ })
      .waitFor();
    await ann.page.getByRole('button', { name: 'Remove eicar.txt' }).click();
    await ann.page.getByRole('button', { name: 'Remove cute cat.png' }).click();
    // One byte over 10 MiB: the server ends it while it streams, and the reason still shows.
    await attach(ann.page, [
      { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([photo, Buffer.alloc(10 * 1024 * 1024 + 1 - photo.length)]) },
    ]);
    await tray(ann.page).getByRole('alert').filter({ hasText: 'huge.png' }).filter({ hasText: 'Too large' }).waitFor();
    await ann.page.getByRole('button', { name: 'Remove huge.png' }).click();
    await tray(ann.page).waitFor({ state: 'detached' });
  });

  it('cancel stops an upload under way: the request is aborted and nothing is sent', async () => {
    // A slow uplink (about 200 KB/s), so the upload is still going when Cancel is pressed.
    const cdp = await ann.context.newCDPSession(ann.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 200 * 1024,
    });
    const aborted = new Promise<string>((resolve) =>
      ann.page.on('requestfailed', (r) => r.url().includes('/attachments/upload') && resolve(r.failure()?.errorText ?? '')),
    );
    await attach(ann.page, [{ name: 'big beach.png', mimeType: 'image/png', buffer: Buffer.concat([photo, photo, photo]) }]);
    const bar = tray(ann.page).getByRole('progressbar', { name: 'big beach.png' });
    await ann.page.waitForFunction(() => Number(document.querySelector('progress')?.value ?? 0) > 0);
    const value = Number(await bar.getAttribute('value'));
    assert.ok(value > 0 && value < 100, `under way (${value}%)`);
    if (SHOTS) await ann.page.screenshot({ path: join(SHOTS, 'composer-progress-light.png') });
    await ann.page.getByRole('button', { name: 'Cancel big beach.png' }).click();
    assert.match(await aborted, /ABORTED/);
    await tray(ann.page).waitFor({ state: 'detached' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.equal(await ann.page.getByRole('button', { name: 'Send' }).isDisabled(), true, 'nothing left to send');
  });

  it('Send during an upload: the message waits as pending (with its file named) and goes once the upload ends', async () => {
    const cdp = await ann.context.newCDPSession(ann.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 600 * 1024,
    });
    await attach(ann.page, [{ name: 'slow beach.png', mimeType: 'image/png', buffer: photo }]);
    await ann.page.waitForFunction(() => Number(document.querySelector('progress')?.value ?? 0) > 0);
    const box = ann.page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('sent before the upload ended');
    await box.press('Enter');
    const pending = room(ann.page, roomName).getByRole('article', { name: /sending/ });
    await pending.getByText('slow beach.png').waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const msg = room(ben.page, roomName).getByRole('article').filter({ hasText: 'sent before the upload ended' });
    await msg.getByRole('img', { name: 'slow beach.png' }).waitFor();
    await pending.waitFor({ state: 'detached' });
  });

  it('drop onto the timeline and paste both add to the tray; a message of files only has no text', async () => {
    const page = ann.page;
    const b64 = photo.toString('base64');
    await page.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      const target = document.querySelector('.room-body')!;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await uploaded(page, ['dropped.png']);
    await page.getByRole('textbox', { name: 'Message', exact: true }).focus();
    await page.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, b64);
    await uploaded(page, ['dropped.png', 'pasted.png']);
    await page.getByRole('button', { name: 'Send' }).click();
    const msg = room(ben.page, roomName)
      .getByRole('article')
      .filter({ has: ben.page.getByRole('img', { name: 'pasted.png' }) });
    await msg.getByRole('img', { name: 'dropped.png' }).waitFor();
    assert.equal(await msg.locator('.message-body').count(), 0);
  });

  it('audio and video get players (the video sized from its stored dimensions); documents and archives get file cards', async () => {
    const corpus = await validCorpus();
    const ids: string[] = [];
    for (const f of [corpus.mp3, corpus.mp4, corpus.docx, corpus.zip]) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(f.data)]), f.name);
      const res = await fetch(`${server.url}/attachments/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ann.user.token}` },
        body: form,
      });
      assert.equal(res.status, 201);
      ids.push((await res.json()).attachment.id);
    }
    const rooms = (await ann.user.api.get('/rooms')).body.items as { id: string; name: string }[];
    const holiday = rooms.find((r) => r.name === roomName)!;
    assert.equal((await ann.user.api.post(`/rooms/${holiday.id}/messages`, { content: 'media', attachments: ids })).status, 201);
    const msg = room(ben.page, roomName).getByRole('article').filter({ hasText: 'media' }).last();
    await msg.waitFor();
    assert.equal(await msg.locator('audio[controls]').getAttribute('aria-label'), 'voice.mp3');
    const video = msg.locator('video[controls]');
    assert.equal(await video.getAttribute('aria-label'), 'clip.mp4');
    assert.deepEqual(
      [await video.getAttribute('width'), await video.getAttribute('height')],
      ['320', '180'],
      '1280×720 fitted into 320×240',
    );
    await msg.getByRole('group', { name: 'File letter.docx' }).getByText('document', { exact: false }).waitFor();
    await msg.getByRole('group', { name: 'File bundle.zip' }).getByRole('link', { name: 'Download bundle.zip' }).waitFor();
  });

  it('the profile editor uploads a picture as my avatar; an image room shows its cover in the header', async () => {
    const page = ann.page;
    await page.getByRole('button', { name: 'Settings: Ann Archer' }).click();
    const account = page.getByRole('complementary', { name: 'Your account' });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      account.getByRole('button', { name: 'Upload a picture…' }).click(),
    ]);
    const face = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#cc6633' } })
      .png()
      .toBuffer();
    await chooser.setFiles({ name: 'me.png', mimeType: 'image/png', buffer: face });
    await account.getByRole('status').filter({ hasText: 'Picture updated.' }).waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.profile-head img.avatar');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const me = (await ann.user.api.get('/auth/me')).body;
    assert.match(me.avatar_url, /^\/attachments\/[\w-]+\/avatar$/);
    await page.getByRole('button', { name: 'Close panel' }).click();

    // A room of topic kind image with a cover Ann uploaded (through the API: the settings form has its own suite).
    const upload = await fetch(`${server.url}/attachments/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann.user.token}` },
      body: (() => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(face)]), 'cover.png');
        return form;
      })(),
    });
    assert.equal(upload.status, 201);
    const coverId = (await upload.json()).attachment.id as string;
    const gallery = (await ann.user.api.post('/rooms', { name: 'Gallery', topic_kind: 'image' })).body;
    assert.equal((await ann.user.api.put(`/rooms/${gallery.id}`, { cover_attachment_id: coverId })).status, 200);
    assert.equal(await room(page, roomName).locator('header.room-head img').count(), 0, 'a text room shows no cover');
    await page.goto(`/r/${gallery.id}`);
    const header = room(page, 'Gallery').locator('header.room-head');
    await header.getByRole('img', { name: 'Cover of Gallery' }).waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('header.room-head img.room-cover');
      return !!img && img.complete && img.naturalWidth > 0;
    });
  });

  it(
    'dark and phone-sized: the message with files and the lightbox fit',
    { skip: !SHOTS && 'screenshots only (ATTACHMENT_SCREENSHOTS=dir)' },
    async () => {
      for (const [label, opts] of [
        ['dark', { colorScheme: 'dark' as const }],
        ['360', { mobile: true }],
      ] as const) {
        const tab = await signedIn(ben.user, opts);
        await tab.page.goto('/');
        if (label === '360') await tab.page.getByRole('button', { name: 'Open the room list' }).click();
        await tab.page
          .getByRole('navigation', { name: 'Rooms' })
          .getByRole('link', { name: new RegExp(roomName) })
          .click();
        const msg = room(tab.page, roomName).getByRole('article').filter({ hasText: 'Our beach' });
        await msg.waitFor();
        await tab.page.waitForFunction(() =>
          [...document.querySelectorAll<HTMLImageElement>('img[alt="beach.png"]')].every((i) => i.complete && i.naturalWidth > 0),
        );
        await attach(tab.page, [
          { name: 'a rather long file name for a phone screen.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) },
          { name: 'eicar.txt', mimeType: 'text/plain', buffer: Buffer.from(EICAR) },
        ]);
        await tray(tab.page).getByRole('alert').waitFor();
        await uploaded(tab.page, ['a rather long file name for a phone screen.pdf']);
        await msg.scrollIntoViewIfNeeded();
        await tab.page.screenshot({ path: join(SHOTS!, `message-${label}.png`) });
        await msg.getByRole('button', { name: 'Open image beach.png' }).click();
        await tab.page.getByRole('dialog', { name: 'beach.png' }).waitFor();
        await tab.page.waitForFunction(() => (document.querySelector<HTMLImageElement>('dialog.lightbox img')?.naturalWidth ?? 0) > 0);
        await tab.page.screenshot({ path: join(SHOTS!, `lightbox-${label}.png`) });
        await tab.context.close();
      }
    },
  );
});
