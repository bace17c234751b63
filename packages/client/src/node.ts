import { setDefaultSockets } from './live/socket.ts';
import { wsSockets } from './live/ws-socket.ts';

/** Node's entry point: the whole SDK, with live connections on the ws package (headers, pings). */
export * from './index.ts';
export { wsSockets } from './live/ws-socket.ts';

setDefaultSockets(wsSockets);
