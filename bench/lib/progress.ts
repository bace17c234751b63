/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per 10 % otherwise). */
export function progressBar(label: string, total: number): (done: number) => void {
  const start = performance.now();
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done: number) => {
    const f = total === 0 ? 1 : Math.min(1, done / total);
    const secs = (performance.now() - start) / 1000;
    const rate = done / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const width = 30;
    const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '░');
    const line = `${label} ${bar} ${(100 * f).toFixed(1).padStart(5)} %  ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${Math.round(rate).toLocaleString('en')}/s  ETA ${eta.toFixed(0)} s`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (Math.floor(f * 10) > lastDecile) {
      lastDecile = Math.floor(f * 10);
      process.stderr.write(`${line}\n`);
    }
  };
}
