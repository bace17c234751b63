import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { API_PATH_PREFIXES } from '../protocol/src/paths.ts';

/**
 * `npm run build` writes dist/ (served by the server at /); `npm run dev` serves the app with hot
 * reload and proxies every API path (and the WebSocket) to a local server, ROOMS_API or :8080.
 */
const api = process.env.ROOMS_API ?? 'http://127.0.0.1:8080';
const proxy = Object.fromEntries(
  API_PATH_PREFIXES.map((p) => [`^/${p.replace('.', '\\.')}(/|$|\\?)`, { target: api, ws: p === 'ws', changeOrigin: false }]),
);

export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', sourcemap: true, assetsInlineLimit: 0 },
  server: { proxy },
});
