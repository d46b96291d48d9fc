/**
 * Test helper: stages a file on an EngineService as the import view does (import/upload, then
 * import/upload-chunk in chunks of `chunkBytes`), returning its upload id.
 */
import type { EngineService } from '../../../../src/host/engine-service'

/** Uploads `content` as `fileName`; throws with the reply's error when a step fails. */
export async function stageFile(service: EngineService, fileName: string, content: string | Buffer, chunkBytes = 64 * 1024): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const begun = await service.handle('import/upload', { fileName, size: bytes.length })
  if (!begun.ok) throw new Error(`${begun.error.code}: ${begun.error.message}`)
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    const r = await service.handle('import/upload-chunk', { uploadId: begun.data.uploadId, offset: at, data: bytes.subarray(at, at + chunkBytes).toString('base64') })
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  }
  return begun.data.uploadId
}
