/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { lazyAntdParts } from './scripts/lazyAntdParts'

// The Dajian server serves dist/ at "/" and the API under /api on the same
// origin, so the dev server proxies /api to a running `dajian serve`.
export default defineConfig({
  plugins: [react(), lazyAntdParts()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // React, the router, react-query and i18next change far less often than the app: in a chunk of their
        // own they stay cached across releases. Only libraries the entry uses whole go here: a library that
        // lazy pages use in part (antd, echarts, dayjs) would drag those parts onto the first screen.
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next)[\\/]/.test(id)) {
            return 'vendor-react'
          }
          return undefined
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
    },
  },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
  },
})
