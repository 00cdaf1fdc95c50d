/**
 * Copies text for the agent. HubSpot's iframe gets `allow="microphone; autoplay"` only, so the async
 * Clipboard API is refused there (no `clipboard-write`); the fallback selects the text in its own field
 * and runs the editing `copy` command, which needs only the agent's click. When both are refused the
 * text is left selected and the agent is told to press Ctrl+C (⌘C).
 */
import { ref } from 'vue'

/** 'copied', 'select' (left selected for the agent's own Ctrl+C), or null before any attempt. */
export type CopyResult = 'copied' | 'select' | null

export function useCopyText() {
  const result = ref<CopyResult>(null)

  async function copy(text: string, field: HTMLTextAreaElement | HTMLInputElement | null): Promise<CopyResult> {
    // Where the frame's permissions policy forbids it (HubSpot's iframe), skip the API: it would only log a violation.
    const policy = (document as Document & { featurePolicy?: { allowsFeature: (feature: string) => boolean } }).featurePolicy
    if (navigator.clipboard && policy?.allowsFeature('clipboard-write') !== false) {
      try {
        await navigator.clipboard.writeText(text)
        result.value = 'copied'
        return result.value
      }
      catch {
        // Not allowed in this frame: fall back to the selection.
      }
    }
    let copied = false
    if (field) {
      field.focus()
      field.select()
      try {
        copied = document.execCommand('copy')
      }
      catch {
        copied = false
      }
    }
    result.value = copied ? 'copied' : 'select'
    return result.value
  }

  return { result, copy, reset: () => { result.value = null } }
}
