/**
 * Renderer entry: chooses the api transport (IPC or WebSocket), installs Pinia and mounts App.
 * Must stay true: no inline scripts, no eval (the CSP forbids both).
 */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createDefaultApi, setApi } from './api/client'

setApi(createDefaultApi())
createApp(App).use(createPinia()).mount('#app')
