/**
 * A server started with --inspect=127.0.0.1:<port>, driven through the DevTools protocol: a full
 * garbage collection, so that idle RSS is compared after the same collection in every target
 * rather than whenever each happened to collect, and its process.memoryUsage() (to split RSS into
 * the JS heap and the rest).
 */
import WebSocket from 'ws';

/** Sends one DevTools command and resolves with its result. */
async function command<T>(port: number, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl, { perMessageDeflate: false });
  try {
    return await new Promise<T>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
      ws.on('message', (d) => {
        const reply = JSON.parse(d.toString()) as { id?: number; result?: T; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result as T);
      });
    });
  } finally {
    ws.close();
  }
}

export async function collectGarbage(port: number): Promise<void> {
  await command(port, 'HeapProfiler.collectGarbage');
}

export async function memoryUsage(port: number): Promise<NodeJS.MemoryUsage> {
  const r = await command<{ result: { value: NodeJS.MemoryUsage } }>(port, 'Runtime.evaluate', {
    expression: 'process.memoryUsage()',
    returnByValue: true,
  });
  return r.result.value;
}
