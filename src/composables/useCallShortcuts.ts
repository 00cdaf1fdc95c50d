/**
 * The call screen's keyboard: Alt+M mute, Alt+H hold, Alt+K keypad, Alt+X hang up (the
 * `SHORTCUTS` table), and, while the keypad is open, the digit, * and # keys press keypad
 * keys. Nothing fires while the agent types in a field (notes, the transfer number).
 */
import { onScopeDispose } from 'vue'
import type { DtmfKey } from '@/domain/dtmf'
import { dtmfKeyFromKeyboard } from '@/domain/dtmf'
import type { ShortcutAction } from '@/domain/shortcuts'
import { isTypingTarget, matchShortcut } from '@/domain/shortcuts'

export interface ShortcutHandlers {
  onAction: (action: ShortcutAction) => void
  /** Called for the digit, star and hash keys, only while `keypadOpen()` is true. */
  onKey: (key: DtmfKey) => void
  keypadOpen: () => boolean
}

export function useCallShortcuts(handlers: ShortcutHandlers, target: Pick<Document, 'addEventListener' | 'removeEventListener'> = document): void {
  const listener = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || isTypingTarget(event.target as HTMLElement | null))
      return
    const action = matchShortcut(event)
    if (action) {
      event.preventDefault()
      handlers.onAction(action)
      return
    }
    if (!handlers.keypadOpen() || event.altKey || event.ctrlKey || event.metaKey || event.repeat)
      return
    const key = dtmfKeyFromKeyboard(event.key)
    if (key) {
      event.preventDefault()
      handlers.onKey(key)
    }
  }
  target.addEventListener('keydown', listener as EventListener)
  onScopeDispose(() => target.removeEventListener('keydown', listener as EventListener))
}
