import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { chatSuite, person } from './chat-helpers.ts';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
/** The smallest valid PDF (one empty page). */
const PDF = `%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj
trailer<</Root 1 0 R>>
%%EOF
`;

describe('rooms chat: files', () => {
  const suite = chatSuite();
  const terms = suite.terms;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rooms-chat-files-'));
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toFile(join(dir, 'cat.jpg'));
    writeFileSync(join(dir, 'notes v2.pdf'), PDF);
    writeFileSync(join(dir, 'eicar.png'), EICAR);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('upload PATH, then say (alone or with words) carries the files; both ends show [kind: name size] URL, and the URL serves the file', async () => {
    const alice = await person(suite.srv, 'alice');
    const bob = await person(suite.srv, 'bob');
    const room = await alice.api.post('/rooms', { name: `files ${alice.username.slice(-6)}` });
    const name = room.body.name as string;
    const a = await terms.login(suite.srv, alice);
    const b = await terms.login(suite.srv, bob);
    b.type(`join ${name}`);
    await b.expect(`Now in ${name}.`);
    a.type(`join ${name}`);
    await a.expect(`Now in ${name}.`);
    a.type('upload');
    await a.expect('No files waiting: upload PATH adds one.');
    a.type(`upload ${join(dir, 'cat.jpg')}`);
    await a.expect(/Uploaded \[image: cat\.jpg [\d.]+ K?B\] http:\/\/\S+\nIt goes with your next say or send \(1 file waiting\)\./);
    a.type(`upload "${join(dir, 'notes v2.pdf')}"`);
    await a.expect('(2 files waiting)');
    a.type('say the cat and the notes');
    const [, catUrl, pdfUrl] = await b.expect(
      new RegExp(
        `\\[${name}\\] ${alice.username}: the cat and the notes\\n\\s+\\[image: cat\\.jpg [\\d.]+ K?B\\] (http://\\S+)\\n\\s+\\[document: notes v2\\.pdf \\d+ B\\] (http://\\S+)`,
      ),
    );
    const cat = await fetch(catUrl!);
    assert.equal(cat.status, 200);
    assert.equal(cat.headers.get('content-type'), 'image/jpeg');
    assert.equal(await (await fetch(pdfUrl!)).text(), PDF);
    a.type('upload');
    await a.expect('No files waiting: upload PATH adds one.');
    a.type(`upload ${join(dir, 'cat.jpg')}`);
    await a.expect('(1 file waiting)');
    a.type('say');
    await b.expect(new RegExp(`\\[${name}\\] ${alice.username}: \\[image: cat\\.jpg [\\d.]+ K?B\\] http://`));
    b.type('history 2');
    await b.expect(
      new RegExp(`Last 2 in ${name}:\\n\\s+\\[\\d\\d:\\d\\d\\] ${alice.username}: the cat and the notes\\n\\s+\\[image: cat\\.jpg`),
    );
    a.type('say');
    await a.expect('Usage: say MSG');
  });

  it('refusals and mistakes are explained: malware, no such file, --clear; a direct message carries a file', async () => {
    const alice = await person(suite.srv, 'alice');
    const bob = await person(suite.srv, 'bob');
    const a = await terms.login(suite.srv, alice);
    const b = await terms.login(suite.srv, bob);
    a.type(`upload ${join(dir, 'eicar.png')}`);
    await a.expect('Refused: it looks like malware.');
    a.type(`upload ${join(dir, 'nothing here.png')}`);
    await a.expect(`No file at ${join(dir, 'nothing here.png')}.`);
    a.type(`upload ${join(dir, 'cat.jpg')}`);
    await a.expect('(1 file waiting)');
    a.type('upload --clear');
    await a.expect('Dropped 1 file');
    a.type(`upload ${join(dir, 'notes v2.pdf')}`);
    await a.expect('(1 file waiting)');
    a.type(`send (${bob.username} nobody_here) hi`);
    await a.expect('Files go to one person at a time: send USER MSG.');
    a.type(`send ${bob.username}`);
    await a.expect(`${bob.username}: sent.`);
    await b.expect(new RegExp(`\\(dm\\) ${alice.username}: \\[document: notes v2\\.pdf \\d+ B\\] http://`));
  });
});

describe('rooms chat: a file over the server limit', () => {
  const suite = chatSuite({ ATTACHMENT_MAX_BYTES: 2048 });
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rooms-chat-big-'));
    // A valid PDF made larger than this server's limit by a comment.
    writeFileSync(join(dir, 'big.pdf'), PDF.replace('%%EOF', `%${'x'.repeat(4000)}\n%%EOF`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names the server's own limit, not the default", async () => {
    const a = await suite.terms.login(suite.srv, await person(suite.srv, 'alice'));
    a.type(`upload ${join(dir, 'big.pdf')}`);
    await a.expect('Refused: too large (at most 2.0 KB).');
  });
});
