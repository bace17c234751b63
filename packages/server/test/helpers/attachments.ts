import { toAttachmentView } from '../../src/services/attachments/attachment-presenter.ts';
import { UrlSigner } from '../../src/services/attachments/signed-urls.ts';
import { systemClock } from '../../src/ports/clock.ts';
import type { AttachmentRow } from '../../src/store/attachment-types.ts';

const signer = new UrlSigner('unit-test-secret-of-at-least-32-characters', systemClock, 3600);

/** For unit tests of the message service that send no files: real views, and nothing to remove. */
export const noFiles = {
  view: (row: AttachmentRow, subject: { user: string } | { room: string }) => toAttachmentView(row, signer, subject),
  removeBytes: async (rows: AttachmentRow[]) => {
    if (rows.length > 0) throw new Error('these tests store no attachment bytes');
  },
};
