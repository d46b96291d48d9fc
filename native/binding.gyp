# Brokerlab's optional memory-mapped storage addon (see src/mapped_file.cc).
# Built by scripts/build-native.mjs during `npm install`; when it cannot be built the engine falls
# back to positional file I/O (always so on Windows: POSIX mmap only). Must stay: Node-API only (ABI-stable, loads in Electron and worker
# threads), no external buffers (Electron's V8 sandbox forbids them), C++ exceptions enabled.
{
  "targets": [
    {
      "target_name": "brokerlab_mmap",
      "sources": ["src/addon.cc", "src/mapped_file.cc", "src/crc32c.cc"],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"
      ],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
