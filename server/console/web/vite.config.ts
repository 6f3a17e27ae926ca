import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [react()],
  build: { outDir: here('../dist'), emptyOutDir: true, chunkSizeWarningLimit: 2000, minify: process.env.GENDAN_DEBUG_BUILD ? false : 'oxc' },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
