import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { formatBytes, isRoomsApiError, openFile } from '@rooms/client';
import { ATTACHMENT_LIMITS } from '@rooms/protocol';
import { attachmentLine } from '../format.ts';
import type { ChatSession } from '../session.ts';
import type { Command } from './types.ts';

/** A path as typed: quotes around it dropped, ~ for the home directory. */
function pathOf(arg: string): string {
  const unquoted = /^(["'])(.*)\1$/s.exec(arg)?.[2] ?? arg;
  return unquoted === '~' || unquoted.startsWith('~/') ? homedir() + unquoted.slice(1) : unquoted;
}

const waiting = (s: ChatSession) => `${s.attachments.length} ${s.attachments.length === 1 ? 'file' : 'files'} waiting`;

/** Why the server refused a file, in words. */
function refusal(err: unknown): string | null {
  if (!isRoomsApiError(err)) return null;
  // The server names its own limit (ATTACHMENT_MAX_BYTES); the default stands in for an older server.
  const max = (err.details as { max_bytes?: unknown } | undefined)?.max_bytes;
  const reasons: Record<string, string> = {
    payload_too_large:
      typeof max === 'number'
        ? `too large (at most ${formatBytes(max)})`
        : `too large (at most ${formatBytes(ATTACHMENT_LIMITS.maxBytesDefault)} by default)`,
    unsupported_type: 'this type of file cannot be shared (images, PDF and Word documents, zip, audio and video only)',
    malware_detected: 'it looks like malware',
    unsafe_archive: 'the archive is unsafe (too large unpacked, or it holds programs)',
    scanner_unavailable: 'files cannot be checked right now; try again later',
    rate_limited: 'too many uploads; wait a moment',
  };
  return reasons[err.code] ?? null;
}

export const upload: Command = {
  name: 'upload',
  usage: 'upload PATH   (alone: the files waiting; upload --clear drops them)',
  summary: 'upload a file: it goes with your next say or send (say alone sends just the files)',
  async run(s, args) {
    const arg = args.trim();
    if (arg === '') {
      if (s.attachments.length === 0) return s.print('No files waiting: upload PATH adds one.');
      return s.print(
        [`Waiting to go with your next say or send:`, ...s.attachments.map((a) => `  ${attachmentLine(a, s.client.http.baseUrl)}`)].join(
          '\n',
        ),
      );
    }
    if (arg === '--clear') {
      const n = s.attachments.length;
      s.attachments = [];
      return s.print(
        n === 0 ? 'No files were waiting.' : `Dropped ${n} ${n === 1 ? 'file' : 'files'} (they are deleted from the server within a day).`,
      );
    }
    if (s.attachments.length >= ATTACHMENT_LIMITS.perMessage)
      return s.print(`A message carries at most ${ATTACHMENT_LIMITS.perMessage} files: say or send first.`);
    const path = pathOf(arg);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return s.print(`No file at ${path}.`);
    s.print(`Uploading ${path} (${formatBytes(info.size)})…`);
    try {
      const att = await s.client.attachments.upload(await openFile(path));
      s.attachments.push(att);
      s.print(`Uploaded ${attachmentLine(att, s.client.http.baseUrl)}\nIt goes with your next say or send (${waiting(s)}).`);
    } catch (err) {
      const why = refusal(err);
      if (!why) throw err;
      s.print(`Refused: ${why}.`);
    }
  },
};

/** Takes the waiting files for a message; `restore` puts them back when the message is refused. */
export function takeAttachments(s: ChatSession): { ids: string[]; restore: () => void } {
  const taken = s.attachments;
  s.attachments = [];
  return { ids: taken.map((a) => a.id), restore: () => void (s.attachments = [...taken, ...s.attachments]) };
}
