/**
 * Full garbage collection in a server started with --inspect=127.0.0.1:<port>, through the
 * DevTools protocol, so that idle RSS is compared after the same collection in every target
 * rather than whenever each happened to collect.
 */
import WebSocket from 'ws';

export async function collectGarbage(port: number): Promise<void> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    ws.on('message', (d) => {
      if ((JSON.parse(d.toString()) as { id?: number }).id === 1) resolve();
    });
  });
  ws.close();
}
