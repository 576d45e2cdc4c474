import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The pages: a landing page, the customer dashboard, the admin console, the staff workspace, the demo bank portal and its privacy notice.
// They are served by the API host from its wwwroot; the widget has its own build (vite.widget.config.ts).
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, '../VirtualBanker.Api/wwwroot'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        app: resolve(import.meta.dirname, 'app/index.html'),
        admin: resolve(import.meta.dirname, 'admin/index.html'),
        staff: resolve(import.meta.dirname, 'staff/index.html'),
        portal: resolve(import.meta.dirname, 'demo/portal.html'),
        privacy: resolve(import.meta.dirname, 'demo/privacy.html'),
      },
    },
  },
});
