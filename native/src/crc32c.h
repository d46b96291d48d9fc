// CRC-32C (Castagnoli) for Kafka record batches v2, in native code: the SSE4.2 crc32 instruction when
// the CPU has it (checked at run time), else a slicing-by-8 table. Reads JS-owned memory only.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace brokerlab {

// CRC-32C of p[0, n) continuing from `crc` (0 to start); the same value as Java's Crc32C.
uint32_t Crc32c(uint32_t crc, const uint8_t* p, size_t n);

// True when Crc32c uses the CPU's crc32 instruction.
bool Crc32cHardware();

// JS: crc32c(buf: Uint8Array, start: number, end: number, crc: number) -> number (unsigned 32-bit).
// Throws TypeError / RangeError on bad arguments.
Napi::Value Crc32cJs(const Napi::CallbackInfo& info);

}  // namespace brokerlab
