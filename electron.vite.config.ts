import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'engine-worker': resolve(__dirname, 'src/host/engine-worker.ts')
        }
      }
    }
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: {
      alias: {
        '@renderer': resolve(__dirname, 'src/renderer/src'),
        '@shared': resolve(__dirname, 'src/shared')
      }
    },
    plugins: [vue()],
    build: {
      // electron-vite leaves the renderer unminified by default; browser mode serves it over HTTP too.
      minify: 'esbuild',
      // naive-ui and echarts are each one chunk of 600-800 kB minified; the app's own code is ~80 kB.
      chunkSizeWarningLimit: 1000,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        output: {
          // Libraries in chunks of their own (cached across app updates, parsed in parallel).
          manualChunks(id: string): string | undefined {
            if (/node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/.test(id)) return 'echarts'
            if (/node_modules[\\/](naive-ui|vueuc|vooks|seemly|css-render|@css-render|treemate|evtd|vdirs|date-fns|date-fns-tz|lodash-es|@juggle|async-validator)[\\/]/.test(id)) return 'naive-ui'
            if (/node_modules[\\/]/.test(id)) return 'vendor'
            return undefined
          }
        }
      }
    }
  }
})
