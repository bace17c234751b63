import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { setDefaultSockets } from './live/socket.ts';
import { wsSockets } from './live/ws-socket.ts';

/** Node's entry point: the whole SDK, with live connections on the ws package (headers, pings). */
export * from './index.ts';
export { wsSockets } from './live/ws-socket.ts';

setDefaultSockets(wsSockets);

/** A file on disk as a File that streams from disk when uploaded (never read whole into memory). */
export async function openFile(path: string): Promise<File> {
  return new File([await openAsBlob(path)], basename(path));
}
