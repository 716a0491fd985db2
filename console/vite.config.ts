import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by the gateway at /console (gateway/src/console-route.ts) under a strict
 * Content-Security-Policy: scripts only from files ('self'), so nothing may be inlined into index.html.
 */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The preload polyfill would be an inline script; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    // Nothing inlined as data: URLs (fonts, images): the CSP lists what may load.
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev -w console` next to `npm start`: the API on the gateway.
    proxy: {
      '/graphql': 'http://127.0.0.1:4000',
      '/documents': 'http://127.0.0.1:4000',
      '/exports': 'http://127.0.0.1:4000',
      '/console/config.json': 'http://127.0.0.1:4000',
      '/console/dev-token': 'http://127.0.0.1:4000',
    },
  },
});
