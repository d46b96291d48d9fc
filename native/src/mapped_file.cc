// MappedFile implementation: POSIX open/mmap/mremap/msync/ftruncate behind a Node-API class.
// See mapped_file.h for the invariants. Every failure is thrown as a JS Error whose message names
// the operation, the file path and the errno text, with `errno`, `code`, `syscall` and `path`
// properties; the TypeScript wrapper (src/broker/storage/mmap-backend.ts) turns it into StorageError.
#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace brokerlab {

namespace {

// First mapping of an empty file, and the floor of each growth step (bytes).
constexpr uint64_t kMinGrowth = 64 * 1024;
// Growth doubles the capacity but adds at most this much at once (bytes). While a file is open its
// reserved-but-unwritten tail (fallocated: real blocks) is under one step, so it is bounded by both
// the data written (doubling) and this constant: an open replica's active segment costs at most
// 4 MiB beyond its data, so a 100-partition RF 3 topic (300 active segments) reserves at most about
// 1.2 GiB ahead in the worst case, and nothing near that while its logs are small (64 KiB each for
// a few records). Appends stay fast: a step is one fallocate plus one mremap (page tables only, no
// copy), i.e. one growth per 4 MiB appended, a few hundred per GiB.
constexpr uint64_t kMaxGrowth = 4ull * 1024 * 1024;
// Shrinks of at most this many bytes are zeroed in place; larger ones punch the file instead.
constexpr uint64_t kZeroInPlaceLimit = 1024 * 1024;
constexpr double kMaxSafeInteger = 9007199254740991.0;
// Residency bound: after about this many bytes copied through the mapping, its pages are released
// from this process (they stay in the page cache). Reads are charged at least kMinReadCharge, since
// the kernel maps whole large page-cache folios (up to 2 MiB) on a fault, not just the bytes read.
constexpr uint64_t kResidencyLimit = 32ull * 1024 * 1024;
constexpr uint64_t kMinReadCharge = 512 * 1024;
// Reads of at least this many bytes are copied from the page cache with pread instead of through the
// mapping: on a shared machine a fault-in through the mapping (which maps whole large folios into the
// process) costs far more than the copy it serves, and pread keeps the pages out of our RSS. Smaller
// reads (index entries, batch headers) copy from the mapping, where a lookup is a few nanoseconds.
// Both see the same bytes: the mapping is MAP_SHARED over the unified page cache.
constexpr uint64_t kPreadThreshold = 16 * 1024;
// Writes of at least this many bytes (record batches) go into the page cache with pwrite instead of
// a memcpy through the mapping: the first store into each fresh page of the reserved tail faults it
// in (page-cache allocation, zeroing, the filesystem's page_mkwrite), which on this kind of VM costs
// about twice the CPU of pwrite for the same bytes (18 KB appends: ~600 vs ~1,200 MB per CPU-second),
// and pwrite keeps those pages out of our RSS. Smaller writes (index entries) store through the
// mapping. Both land in the same page cache, which the mapping shares (MAP_SHARED); the range
// written is within the capacity already reserved with fallocate, so it cannot hit ENOSPC.
constexpr uint64_t kPwriteThreshold = 4 * 1024;

uint64_t PageSize() {
  long p = sysconf(_SC_PAGESIZE);
  return p > 0 ? static_cast<uint64_t>(p) : 4096;
}

uint64_t RoundUp(uint64_t v, uint64_t unit) { return (v + unit - 1) / unit * unit; }

const char* ErrnoCode(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EEXIST: return "EEXIST";
    case ENOSPC: return "ENOSPC";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EROFS: return "EROFS";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EFBIG: return "EFBIG";
    case ENODEV: return "ENODEV";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "UNKNOWN";
  }
}

}  // namespace

Napi::Function MappedFile::Init(Napi::Env env) {
  return DefineClass(env, "MappedFile",
                     {
                         InstanceMethod<&MappedFile::Size>("size"),
                         InstanceMethod<&MappedFile::Capacity>("capacity"),
                         InstanceMethod<&MappedFile::Write>("write"),
                         InstanceMethod<&MappedFile::Read>("read"),
                         InstanceMethod<&MappedFile::ReadInto>("readInto"),
                         InstanceMethod<&MappedFile::Truncate>("truncate"),
                         InstanceMethod<&MappedFile::Flush>("flush"),
                         InstanceMethod<&MappedFile::Close>("close"),
                         InstanceMethod<&MappedFile::IsClosed>("isClosed"),
                     });
}

void MappedFile::ThrowErrno(Napi::Env env, const char* op, int err) const {
  std::string msg = std::string(op) + " " + path_ + ": " + std::strerror(err) + " (" + ErrnoCode(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, ErrnoCode(err)));
  e.Set("syscall", Napi::String::New(env, op));
  e.Set("path", Napi::String::New(env, path_));
  throw e;
}

// Reads argument `i` as a non-negative safe integer (byte count or position).
static uint64_t ArgUint(const Napi::CallbackInfo& info, size_t i, const char* name, const std::string& where) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsNumber()) {
    throw Napi::TypeError::New(env, where + ": " + name + " must be a number");
  }
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > kMaxSafeInteger || std::floor(d) != d) {
    throw Napi::RangeError::New(env, where + ": " + name + " must be a non-negative integer, got " + std::to_string(d));
  }
  return static_cast<uint64_t>(d);
}

MappedFile::MappedFile(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MappedFile>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    throw Napi::TypeError::New(env, "MappedFile: path must be a string");
  }
  path_ = info[0].As<Napi::String>().Utf8Value();
  bool create = info.Length() > 1 && info[1].ToBoolean().Value();
  uint64_t requested = info.Length() > 2 && !info[2].IsUndefined() ? ArgUint(info, 2, "capacity", "open " + path_) : 0;

  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) ThrowErrno(env, "open", errno);

  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    ThrowErrno(env, "fstat", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    ThrowErrno(env, "open", S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
  }
  size_ = static_cast<uint64_t>(st.st_size);
  capacity_ = size_;
  // Exactly the requested capacity (as the file backend preallocates), so on-disk sizes agree.
  uint64_t target = requested > size_ ? requested : size_;
  if (target > capacity_) {
    int err = ResizeFile(target);
    if (err != 0) {
      ::close(fd_);
      fd_ = -1;
      ThrowErrno(env, "ftruncate", err);
    }
    capacity_ = target;
  }
  if (capacity_ > 0) {
    void* p = ::mmap(nullptr, capacity_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) {
      int err = errno;
      if (capacity_ != size_) (void)::ftruncate(fd_, static_cast<off_t>(size_));
      ::close(fd_);
      fd_ = -1;
      ThrowErrno(env, "mmap", err);
    }
    base_ = static_cast<uint8_t*>(p);
  }
}

MappedFile::~MappedFile() {
  const char* op = nullptr;
  (void)Release(&op);
}

int MappedFile::ResizeFile(uint64_t length) {
#ifdef __linux__
  // Reserve real blocks when growing so a full disk fails here (ENOSPC) instead of as SIGBUS on a
  // later store into the mapping. Filesystems without fallocate fall back to a sparse ftruncate.
  if (length > capacity_) {
    int r = ::fallocate(fd_, 0, static_cast<off_t>(capacity_), static_cast<off_t>(length - capacity_));
    if (r == 0) return 0;
    if (errno != EOPNOTSUPP && errno != ENOSYS) return errno;
  }
#endif
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0) return errno;
  return 0;
}

void MappedFile::CheckOpen(Napi::Env env, const char* op) const {
  if (fd_ < 0) throw Napi::Error::New(env, std::string(op) + " " + path_ + ": file is closed");
}

void MappedFile::EnsureCapacity(Napi::Env env, uint64_t needed) {
  if (needed <= capacity_) return;
  uint64_t step = capacity_ < kMinGrowth ? kMinGrowth : capacity_;
  if (step > kMaxGrowth) step = kMaxGrowth;
  uint64_t target = capacity_ + step;
  if (target < needed) target = needed;
  target = RoundUp(target, PageSize());

  int err = ResizeFile(target);
  if (err != 0) ThrowErrno(env, "grow (fallocate/ftruncate)", err);
  void* p;
  if (base_ == nullptr) {
    p = ::mmap(nullptr, target, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  } else {
#ifdef __linux__
    p = ::mremap(base_, capacity_, target, MREMAP_MAYMOVE);
#else
    ::munmap(base_, capacity_);
    base_ = nullptr;
    p = ::mmap(nullptr, target, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
#endif
  }
  if (p == MAP_FAILED) {
    err = errno;
    if (base_ == nullptr && capacity_ > 0) {
      // The old mapping is gone (non-Linux path); try to restore it so the object stays usable.
      void* old = ::mmap(nullptr, capacity_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
      if (old != MAP_FAILED) base_ = static_cast<uint8_t*>(old);
    }
    (void)::ftruncate(fd_, static_cast<off_t>(capacity_));
    ThrowErrno(env, "remap", err);
  }
  base_ = static_cast<uint8_t*>(p);
  capacity_ = target;
}

int MappedFile::PwriteFully(const uint8_t* src, uint64_t position, uint64_t length) const {
  uint64_t done = 0;
  while (done < length) {
    ssize_t r = ::pwrite(fd_, src + done, length - done, static_cast<off_t>(position + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int err = r < 0 ? errno : EIO;
      // Keep the invariant that everything at or beyond size_ is zero: undo what this call wrote there.
      uint64_t from = position > size_ ? position : size_;
      if (position + done > from) std::memset(base_ + from, 0, position + done - from);
      return err;
    }
    done += static_cast<uint64_t>(r);
  }
  return 0;
}

int MappedFile::PreadFully(uint8_t* dest, uint64_t position, uint64_t length) const {
  uint64_t done = 0;
  while (done < length) {
    ssize_t r = ::pread(fd_, dest + done, length - done, static_cast<off_t>(position + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (r == 0) {
      // The file is shorter on disk than the logical size says (cannot happen while the file is
      // open: it is at least `capacity_` long); report it rather than return stale bytes.
      return EIO;
    }
    done += static_cast<uint64_t>(r);
  }
  return 0;
}

void MappedFile::Charge(uint64_t bytes) {
  charged_ += bytes;
  if (charged_ < kResidencyLimit) return;
  charged_ = 0;
#ifdef __linux__
  // For a MAP_SHARED file mapping this only drops our page-table entries: dirty pages stay dirty in
  // the page cache and later accesses fault the same contents back in. It bounds the file-backed
  // RSS a long-lived mapping accumulates (a 2 GiB partition read at random would otherwise become
  // 2 GiB of RSS) without reading anything into anonymous memory.
  if (base_ != nullptr) (void)::madvise(base_, capacity_, MADV_DONTNEED);
#endif
}

Napi::Value MappedFile::Size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(size_));
}

Napi::Value MappedFile::Capacity(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(capacity_));
}

// write(position: number, data: Uint8Array): void
Napi::Value MappedFile::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "write");
  uint64_t position = ArgUint(info, 0, "position", "write " + path_);
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "write " + path_ + ": data must be a Uint8Array");
  }
  Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
  uint64_t length = data.ElementLength();
  if (length == 0) return env.Undefined();
  uint64_t end = position + length;
  if (end > static_cast<uint64_t>(kMaxSafeInteger)) {
    throw Napi::RangeError::New(env, "write " + path_ + ": end position beyond 2^53");
  }
  EnsureCapacity(env, end);
  if (length >= kPwriteThreshold) {
    int err = PwriteFully(data.Data(), position, length);
    if (err != 0) ThrowErrno(env, "pwrite", err);
  } else {
    std::memcpy(base_ + position, data.Data(), length);
    Charge(length);
  }
  if (end > size_) size_ = end;
  return env.Undefined();
}

// read(position: number, length: number): Buffer (shorter at end of file, empty beyond it)
Napi::Value MappedFile::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "read");
  uint64_t position = ArgUint(info, 0, "position", "read " + path_);
  uint64_t length = ArgUint(info, 1, "length", "read " + path_);
  if (position >= size_ || length == 0) return Napi::Buffer<uint8_t>::New(env, 0);
  uint64_t n = size_ - position < length ? size_ - position : length;
  if (n >= kPreadThreshold) {
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, n);  // JS-owned memory
    int err = PreadFully(out.Data(), position, n);
    if (err != 0) ThrowErrno(env, "pread", err);
    return out;
  }
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, base_ + position, n);
  Charge(kMinReadCharge);
  return out;
}

// readInto(position: number, target: Uint8Array, targetOffset: number, length: number): number
Napi::Value MappedFile::ReadInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "readInto");
  std::string where = "readInto " + path_;
  uint64_t position = ArgUint(info, 0, "position", where);
  if (info.Length() < 2 || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, where + ": target must be a Uint8Array");
  }
  Napi::Uint8Array target = info[1].As<Napi::Uint8Array>();
  uint64_t targetOffset = ArgUint(info, 2, "targetOffset", where);
  uint64_t length = ArgUint(info, 3, "length", where);
  if (targetOffset > target.ElementLength() || length > target.ElementLength() - targetOffset) {
    throw Napi::RangeError::New(env, where + ": targetOffset + length exceeds the target's length");
  }
  if (position >= size_ || length == 0) return Napi::Number::New(env, 0);
  uint64_t n = size_ - position < length ? size_ - position : length;
  if (n >= kPreadThreshold) {
    int err = PreadFully(target.Data() + targetOffset, position, n);
    if (err != 0) ThrowErrno(env, "pread", err);
    return Napi::Number::New(env, static_cast<double>(n));
  }
  std::memcpy(target.Data() + targetOffset, base_ + position, n);
  Charge(kMinReadCharge);
  return Napi::Number::New(env, static_cast<double>(n));
}

// truncate(size: number): void. Sets the logical size; bytes beyond it read as zeros if regrown.
Napi::Value MappedFile::Truncate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "truncate");
  uint64_t size = ArgUint(info, 0, "size", "truncate " + path_);
  if (size > size_) {
    EnsureCapacity(env, size);  // bytes in [size_, size) are already zero (invariant)
  } else if (size < size_) {
    uint64_t gap = size_ - size;
    if (gap <= kZeroInPlaceLimit) {
      std::memset(base_ + size, 0, gap);
    } else {
      // Shrinking the file drops the mapped pages beyond `size` (and zeroes the partial page);
      // extending it again brings back zero pages, without touching every byte.
      if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) ThrowErrno(env, "ftruncate", errno);
      uint64_t keep = capacity_;
      capacity_ = size;
      int err = ResizeFile(keep);
      capacity_ = keep;
      if (err != 0) ThrowErrno(env, "ftruncate", err);
    }
  }
  size_ = size;
  return env.Undefined();
}

// flush(): void. msync(MS_SYNC) of the written range, then fsync (file size and metadata).
Napi::Value MappedFile::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckOpen(env, "flush");
  if (base_ != nullptr && size_ > 0) {
    uint64_t len = RoundUp(size_, PageSize());
    if (len > capacity_) len = capacity_;
    if (::msync(base_, len, MS_SYNC) != 0) ThrowErrno(env, "msync", errno);
  }
  if (::fsync(fd_) != 0) ThrowErrno(env, "fsync", errno);
  return env.Undefined();
}

int MappedFile::Release(const char** failed_op) {
  int first = 0;
  if (base_ != nullptr) {
    if (::munmap(base_, capacity_) != 0 && first == 0) {
      first = errno;
      *failed_op = "munmap";
    }
    base_ = nullptr;
  }
  if (fd_ >= 0) {
    if (capacity_ != size_ && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0 && first == 0) {
      first = errno;
      *failed_op = "ftruncate";
    }
    if (::close(fd_) != 0 && first == 0) {
      first = errno;
      *failed_op = "close";
    }
    fd_ = -1;
  }
  capacity_ = 0;
  return first;
}

// close(): void. munmap, truncate the file to its logical size, close the fd. Idempotent.
Napi::Value MappedFile::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* op = "close";
  int err = Release(&op);
  if (err != 0) ThrowErrno(env, op, err);
  return env.Undefined();
}

Napi::Value MappedFile::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), fd_ < 0);
}

}  // namespace brokerlab
