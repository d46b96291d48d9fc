// CRC-32C, reflected polynomial 0x82F63B78 (see crc32c.h). The JS implementation in
// src/broker/storage/crc32c.ts is the reference; tests check that both agree.
#include "crc32c.h"

#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <nmmintrin.h>
#define BROKERLAB_CRC_X86 1
#endif

namespace brokerlab {

namespace {

constexpr uint32_t kPoly = 0x82F63B78u;

struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t n = 0; n < 256; n++) {
      uint32_t c = n;
      for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
      uint32_t c = t[0][n];
      for (int k = 1; k < 8; k++) {
        c = t[0][c & 0xff] ^ (c >> 8);
        t[k][n] = c;
      }
    }
  }
};

const Tables& tables() {
  static const Tables tables;  // built once, read-only afterwards (thread-safe init)
  return tables;
}

uint32_t Crc32cSoftware(uint32_t crc, const uint8_t* p, size_t n) {
  const auto& t = tables().t;
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo;
    uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    lo = __builtin_bswap32(lo);
    hi = __builtin_bswap32(hi);
#endif
    lo ^= c;
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][hi & 0xff] ^
        t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

#ifdef BROKERLAB_CRC_X86
__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = static_cast<uint32_t>(~crc);
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    n--;
  }
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  while (n--) c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
  return ~static_cast<uint32_t>(c);
}

bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

bool Crc32cHardware() {
#ifdef BROKERLAB_CRC_X86
  return HasSse42();
#else
  return false;
#endif
}

uint32_t Crc32c(uint32_t crc, const uint8_t* p, size_t n) {
#ifdef BROKERLAB_CRC_X86
  if (HasSse42()) return Crc32cSse42(crc, p, n);
#endif
  return Crc32cSoftware(crc, p, n);
}

Napi::Value Crc32cJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsTypedArray() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber()) {
    throw Napi::TypeError::New(env, "crc32c(buf: Uint8Array, start: number, end: number, crc: number)");
  }
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, "crc32c: buf must be a Uint8Array or Buffer");
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  const double start = info[1].As<Napi::Number>().DoubleValue();
  const double end = info[2].As<Napi::Number>().DoubleValue();
  const double len = static_cast<double>(buf.ElementLength());
  if (!(start >= 0) || !(end <= len) || !(start <= end) || start != static_cast<double>(static_cast<size_t>(start)) ||
      end != static_cast<double>(static_cast<size_t>(end))) {
    throw Napi::RangeError::New(env, "crc32c: range outside the buffer");
  }
  const uint32_t crc = info[3].As<Napi::Number>().Uint32Value();
  const uint32_t r = Crc32c(crc, buf.Data() + static_cast<size_t>(start), static_cast<size_t>(end - start));
  return Napi::Number::New(env, static_cast<double>(r));
}

}  // namespace brokerlab
