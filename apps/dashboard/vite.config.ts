import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // The manifest lets scripts/check-bundle-size.mjs follow the real import graph of the first page.
  build: { manifest: true },
  // Workspace libs resolve to their TS sources (libs/*/package.json "@rrl/source"): no lib build needed.
  resolve: { conditions: ['@rrl/source', ...defaultClientConditions] },
  server: {
    proxy: {
      '/health': 'http://127.0.0.1:8000',
      '/docs': 'http://127.0.0.1:8000',
      '/metrics': 'http://127.0.0.1:8000',
      '/api': 'http://127.0.0.1:8000',
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
});
