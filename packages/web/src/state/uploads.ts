import { type Attachment, isRoomsApiError } from '@rooms/client';
import { ATTACHMENT_LIMITS } from '@rooms/protocol';
import { useSyncExternalStore } from 'react';
import { client } from '../lib/sdk.ts';

/** A file picked, dropped or pasted into a composer: uploading at once, shown in its tray. */
export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  /** File bytes sent so far. */
  loaded: number;
  status: 'uploading' | 'done' | 'failed';
  /** A local preview of an image (a blob: URL, revoked when it leaves the tray). */
  preview: string | null;
  attachment: Attachment | null;
  /** Why the server (or the network) refused it, in words. */
  error: string | null;
  /** Resolves with the attachment, or rejects with the reason; used when the message is sent before the upload ends. */
  done: Promise<Attachment>;
  abort: () => void;
}

/** Trays by composer (a room's key, or `thread:<id>`), outside React so a drop on the timeline reaches the composer. */
let trays: Record<string, PendingUpload[]> = {};
const listeners = new Set<() => void>();
let counter = 0;

function change(key: string, f: (list: PendingUpload[]) => PendingUpload[]): void {
  trays = { ...trays, [key]: f(trays[key] ?? []) };
  for (const l of listeners) l();
}

const patch = (trayKey: string, key: string, p: Partial<PendingUpload>) =>
  change(trayKey, (list) => list.map((u) => (u.key === key ? { ...u, ...p } : u)));

/** The reason of a refused upload, as the person who tried reads it. */
export function uploadErrorText(err: unknown): string {
  if (!isRoomsApiError(err)) return 'The upload failed.';
  switch (err.code) {
    case 'payload_too_large':
      return 'Too large: a file can be at most 10 MB.';
    case 'unsupported_type':
      return 'This type of file cannot be shared (images, PDF and Word documents, zip, audio and video only).';
    case 'malware_detected':
      return 'Refused: the file looks like malware.';
    case 'unsafe_archive':
      return 'Refused: the archive is unsafe (too large when unpacked, or it holds programs).';
    case 'scanner_unavailable':
      return 'Files cannot be checked right now; try again later.';
    case 'rate_limited':
      return 'Too many uploads; wait a moment.';
    case 'network_error':
      return 'The upload failed: no connection to the server.';
    default:
      return err.message;
  }
}

/** Starts uploading files into a composer's tray (at most the per-message limit are kept). */
export function addFiles(trayKey: string, files: Iterable<File>): void {
  for (const file of files) {
    if ((trays[trayKey] ?? []).length >= ATTACHMENT_LIMITS.perMessage) break;
    const key = `u${++counter}`;
    const ctl = new AbortController();
    const done = client.attachments.upload(file, {
      filename: file.name || 'pasted',
      signal: ctl.signal,
      onProgress: (p) => patch(trayKey, key, { loaded: p.loaded }),
    });
    done.catch(() => {});
    const preview = /^image\/(png|jpeg|gif|webp)$/.test(file.type) ? URL.createObjectURL(file) : null;
    change(trayKey, (list) => [
      ...list,
      {
        key,
        name: file.name || 'pasted',
        size: file.size,
        loaded: 0,
        status: 'uploading',
        preview,
        attachment: null,
        error: null,
        done,
        abort: () => ctl.abort(),
      },
    ]);
    done.then(
      (attachment) => patch(trayKey, key, { status: 'done', attachment, loaded: file.size }),
      (err: unknown) => {
        if (isRoomsApiError(err) && err.code === 'aborted') return;
        patch(trayKey, key, { status: 'failed', error: uploadErrorText(err) });
      },
    );
  }
}

/** Cancels an upload under way, or takes a finished or refused one out of the tray. */
export function removeUpload(trayKey: string, key: string): void {
  const u = trays[trayKey]?.find((x) => x.key === key);
  u?.abort();
  if (u?.preview) URL.revokeObjectURL(u.preview);
  change(trayKey, (list) => list.filter((u) => u.key !== key));
}

/**
 * Empties a tray for sending: the ids of the uploads that finished or are still under way (as one
 * promise: the message waits for them), and their names for the pending message. Refused ones are dropped.
 */
export function takeTray(trayKey: string): { ids: Promise<string[]>; files: { name: string; size: number }[] } | null {
  const all = trays[trayKey] ?? [];
  for (const u of all) if (u.preview) URL.revokeObjectURL(u.preview);
  const list = all.filter((u) => u.status !== 'failed');
  change(trayKey, () => []);
  if (list.length === 0) return null;
  return { ids: Promise.all(list.map((u) => u.done.then((a) => a.id))), files: list.map((u) => ({ name: u.name, size: u.size })) };
}

const EMPTY: PendingUpload[] = [];

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useTray(trayKey: string): PendingUpload[] {
  return useSyncExternalStore(subscribe, () => trays[trayKey] ?? EMPTY);
}
