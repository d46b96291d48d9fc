// MappedFile: one file mapped MAP_SHARED into memory, exposed to JavaScript as a class whose methods
// copy between the mapping and JS-owned buffers (writes of 4 KiB or more, record batches, with
// pwrite into the same page cache; smaller ones through the mapping). Owns the fd and the mapping.
//
// Invariants:
//  - No pointer into the mapping ever reaches JavaScript (reads copy into JS-owned buffers: small
//    reads memcpy from the mapping, reads of 16 KiB or more pread from the same page cache); so a
//    remap or unmap can never leave JS with a dangling view.
//  - Every byte of the mapping at or beyond `size_` (the logical size) is zero, so growing the logical
//    size (by write past it or by truncate) exposes zeros, as a file would.
//  - While open, the file on disk is `capacity_` bytes (the mapped length, reserved with fallocate so a
//    full disk fails a growth step with ENOSPC instead of a later store with SIGBUS); close() truncates
//    it to the logical size. Beyond the capacity asked for at open, capacity grows on demand in steps
//    that double but add at most 4 MiB (kMaxGrowth) and at least 64 KiB, so a file grown by writes
//    reserves less than max(64 KiB, min(its size, 4 MiB)) beyond its logical size.
//  - The file-backed RSS of a mapping stays bounded (about 32 MiB plus one folio): after that much
//    copying, the mapping's pages are released from the process with MADV_DONTNEED (Linux); the
//    data stays in the page cache and dirty pages stay dirty.
//  - No static mutable state: each instance lives in one Node-API environment (context-aware addon).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace brokerlab {

class MappedFile : public Napi::ObjectWrap<MappedFile> {
 public:
  static Napi::Function Init(Napi::Env env);

  // new MappedFile(path: string, create: boolean, capacity: number)
  explicit MappedFile(const Napi::CallbackInfo& info);
  ~MappedFile() override;

 private:
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Capacity(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadInto(const Napi::CallbackInfo& info);
  Napi::Value Truncate(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  // Ensures capacity_ >= needed (grows the file and remaps). Throws Napi::Error.
  void EnsureCapacity(Napi::Env env, uint64_t needed);
  // Resizes the file on disk to `length` bytes (ftruncate). Returns errno or 0.
  int ResizeFile(uint64_t length);
  void CheckOpen(Napi::Env env, const char* op) const;
  // pread of exactly `length` bytes into `dest`; returns errno or 0.
  int PwriteFully(const uint8_t* src, uint64_t position, uint64_t length) const;
  int PreadFully(uint8_t* dest, uint64_t position, uint64_t length) const;
  // Counts bytes copied through the mapping; past the residency limit, releases its pages.
  void Charge(uint64_t bytes);
  // Releases mapping and fd; truncates the file to the logical size. Returns first errno or 0.
  int Release(const char** failed_op);
  [[noreturn]] void ThrowErrno(Napi::Env env, const char* op, int err) const;

  std::string path_;
  int fd_ = -1;
  uint8_t* base_ = nullptr;
  uint64_t capacity_ = 0;  // mapped length == on-disk length while open
  uint64_t size_ = 0;      // logical size
  uint64_t charged_ = 0;   // bytes copied since the mapping's pages were last released
};

}  // namespace brokerlab
