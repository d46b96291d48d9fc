// Entry point of the brokerlab_mmap addon (mapped files and CRC-32C). Context-aware (Napi::Addon / NODE_API_ADDON): each
// Node-API environment (main thread, every worker thread) gets its own instance and its own
// MappedFile class; no static mutable state is shared between them.
#include <napi.h>
#include <unistd.h>

#include "crc32c.h"
#include "mapped_file.h"

namespace brokerlab {

class MmapAddon : public Napi::Addon<MmapAddon> {
 public:
  MmapAddon(Napi::Env env, Napi::Object exports) {
    long page = sysconf(_SC_PAGESIZE);
    DefineAddon(exports, {
                             InstanceValue("MappedFile", MappedFile::Init(env), napi_enumerable),
                             InstanceValue("pageSize", Napi::Number::New(env, page > 0 ? page : 4096), napi_enumerable),
                             InstanceValue("abiVersion", Napi::Number::New(env, 2), napi_enumerable),
                             InstanceValue("crc32c", Napi::Function::New(env, Crc32cJs, "crc32c"), napi_enumerable),
                             InstanceValue("crc32cHardware", Napi::Boolean::New(env, Crc32cHardware()), napi_enumerable),
                         });
  }
};

}  // namespace brokerlab

using BrokerlabMmapAddon = brokerlab::MmapAddon;
NODE_API_ADDON(BrokerlabMmapAddon)
