/**
 * Copying text to the clipboard from the renderer: the async Clipboard API, else a hidden textarea
 * and execCommand('copy') (older engines, or a page without the clipboard-write permission).
 * Must stay true: rejects with a message naming the problem when neither works.
 */

/** Writes `text` to the clipboard. @throws Error "the clipboard is not available" when neither way works. */
export async function copyText(text: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.clipboard?.writeText) {
    try {
      return await navigator.clipboard.writeText(text)
    } catch {
      /* fall back below */
    }
  }
  const area = document.createElement('textarea')
  area.value = text
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('the clipboard is not available')
}
