/**
 * Buffer views for decoders that cut many keys and values out of one buffer (the records reader
 * makes two per consumed record). `buf.subarray(start, end)` spends most of its time reading the
 * source's `buffer` and `byteOffset` and checking its arguments; a view made from an ArrayBuffer and
 * offsets the decoder already holds costs less than half as much (Node 20; `npm run bench` measures
 * both, bundled, in its Floors table of docs/benchmarks.md).
 *
 * The views are real Buffers: Uint8Arrays whose prototype chain runs through Buffer.prototype,
 * with Buffer as their constructor, as Node's own internal FastBuffer is (`Buffer.isBuffer`,
 * `instanceof Buffer`, every Buffer method, `subarray` and species-created arrays all behave as for
 * a Buffer). Like `subarray`, a view shares memory with its source (no copy).
 */

/** A Uint8Array that is a Buffer (see the module header). */
class BufferView extends Uint8Array {
  // An explicit constructor: the implicit `(...args)` one of a derived class is slower to call.
  constructor(buffer: ArrayBufferLike, byteOffset: number, length: number) {
    // ArrayBuffer or SharedArrayBuffer alike (Uint8Array takes both; TypeScript's overloads split them).
    super(buffer as ArrayBuffer, byteOffset, length)
  }
}
Object.setPrototypeOf(BufferView.prototype, Buffer.prototype)
Object.defineProperty(BufferView.prototype, 'constructor', { value: Buffer, writable: true, configurable: true, enumerable: false })

/**
 * A Buffer view of `length` bytes of `buffer` from `byteOffset` (bytes into the ArrayBuffer, not
 * into any Buffer over it: callers add the source's `byteOffset` once, not per view).
 * @throws RangeError when the range is outside `buffer` (as `new Uint8Array` throws).
 */
export function bufferView(buffer: ArrayBufferLike, byteOffset: number, length: number): Buffer {
  return new BufferView(buffer, byteOffset, length) as unknown as Buffer
}
