import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The widget a bank embeds with one <script> tag: one classic (non-module) script at a stable URL,
// /widget.js, with its styles inside. Built after the pages, into the same folder.
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, '../VirtualBanker.Api/wwwroot'),
    emptyOutDir: false,
    lib: {
      entry: resolve(import.meta.dirname, 'src/widget/main.ts'),
      name: 'VirtualBanker',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
