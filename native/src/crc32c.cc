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
// Three independent crc32 streams hide the instruction's 3-cycle latency (it issues one per cycle):
// a block of 3 x kLane bytes is split in three lanes, the second and third lanes start from a
// zero register, and the lanes are joined by shifting the earlier register over kLane zero bytes
// (the CRC register is linear over GF(2): reg(s, A || B) = shift_|B|(reg(s, A)) ^ reg(0, B)).
// Mark Adler's crc32c.c (zlib licence) does the same with the same two lane sizes.
constexpr size_t kLongLane = 8192;
constexpr size_t kShortLane = 256;

// Operator (32x32 GF(2) matrix, one column per bit) application and squaring, as zlib's crc32_combine.
uint32_t Gf2MatrixTimes(const uint32_t* mat, uint32_t vec) {
  uint32_t sum = 0;
  while (vec) {
    if (vec & 1) sum ^= *mat;
    vec >>= 1;
    mat++;
  }
  return sum;
}

void Gf2MatrixSquare(uint32_t* square, const uint32_t* mat) {
  for (int n = 0; n < 32; n++) square[n] = Gf2MatrixTimes(mat, mat[n]);
}

// The operator that runs the (reflected) CRC register over `len` zero bytes; `len` a power of two.
void ZerosOperator(uint32_t* even, size_t len) {
  uint32_t odd[32];
  odd[0] = kPoly;  // one zero bit
  uint32_t row = 1;
  for (int n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  Gf2MatrixSquare(even, odd);  // two zero bits
  Gf2MatrixSquare(odd, even);  // four zero bits
  // Each square doubles: the first one below gives one zero byte, in `even`.
  do {
    Gf2MatrixSquare(even, odd);
    len >>= 1;
    if (len == 0) return;
    Gf2MatrixSquare(odd, even);
    len >>= 1;
  } while (len);
  std::memcpy(even, odd, sizeof(odd));
}

// Byte-wise tables of a zeros operator: shift(reg) = t[0][b0] ^ t[1][b1] ^ t[2][b2] ^ t[3][b3].
struct ShiftTable {
  uint32_t t[4][256];
  explicit ShiftTable(size_t len) {
    uint32_t op[32];
    ZerosOperator(op, len);
    for (uint32_t n = 0; n < 256; n++) {
      t[0][n] = Gf2MatrixTimes(op, n);
      t[1][n] = Gf2MatrixTimes(op, n << 8);
      t[2][n] = Gf2MatrixTimes(op, n << 16);
      t[3][n] = Gf2MatrixTimes(op, n << 24);
    }
  }
  uint32_t Shift(uint32_t crc) const { return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24]; }
};

const ShiftTable& LongShift() {
  static const ShiftTable table(kLongLane);  // built once, read-only afterwards (thread-safe init)
  return table;
}

const ShiftTable& ShortShift() {
  static const ShiftTable table(kShortLane);
  return table;
}

__attribute__((target("sse4.2"))) inline uint64_t Crc64(uint64_t c, const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return _mm_crc32_u64(c, v);
}

// Runs whole blocks of 3 x lane bytes through three streams; returns the register, advances p and n.
__attribute__((target("sse4.2"))) uint64_t ThreeLanes(uint64_t c0, const uint8_t*& p, size_t& n, size_t lane, const ShiftTable& shift) {
  while (n >= 3 * lane) {
    uint64_t c1 = 0;
    uint64_t c2 = 0;
    const uint8_t* end = p + lane;
    do {
      c0 = Crc64(c0, p);
      c1 = Crc64(c1, p + lane);
      c2 = Crc64(c2, p + 2 * lane);
      p += 8;
    } while (p < end);
    c0 = shift.Shift(static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
    c0 = shift.Shift(static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c2);
    p += 2 * lane;
    n -= 3 * lane;
  }
  return c0;
}

__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = static_cast<uint32_t>(~crc);
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    n--;
  }
  if (n >= 3 * kLongLane) c = ThreeLanes(c, p, n, kLongLane, LongShift());
  if (n >= 3 * kShortLane) c = ThreeLanes(c, p, n, kShortLane, ShortShift());
  while (n >= 8) {
    c = Crc64(c, p);
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
