/**
 * The Rooms server exactly as `npm start` runs it (packages/server/src/main.ts), except that messages
 * are not written to the search index: the `rooms-noindex` bench target, beside `rooms` in the same
 * run, measures what indexing costs the send path (issue 17: S1 max throughput with the index
 * ≥ 0.85× without it). Not a server setting: only this entry opens a store without the index.
 */
import { serve, startFailed } from '../packages/server/src/serve.ts';

serve({}, { searchIndex: false }).catch(startFailed);
