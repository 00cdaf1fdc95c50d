/**
 * Keyboard shortcuts of the call screen. One table (`SHORTCUTS`) is both what the
 * key handler matches and what the UI shows, so the two cannot drift apart.
 * Alt+letter keeps plain typing (notes, the transfer number) free, and the match is
 * on `KeyboardEvent.code` (the physical key) because on a Mac Alt+M types "µ".
 * Letters the browsers keep for themselves (Alt+D, Alt+E, Alt+F) are avoided.
 */

export type ShortcutAction = 'mute' | 'hold' | 'keypad' | 'hangup'

export interface Shortcut {
  action: ShortcutAction
  /** `KeyboardEvent.code` of the key pressed with Alt. */
  code: string
  /** What the agent sees, e.g. "Alt+M" (what it does is the catalogue's `shortcuts.<action>`). */
  label: string
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'mute', code: 'KeyM', label: 'Alt+M' },
  { action: 'hold', code: 'KeyH', label: 'Alt+H' },
  { action: 'keypad', code: 'KeyK', label: 'Alt+K' },
  { action: 'hangup', code: 'KeyX', label: 'Alt+X' },
]

/** The parts of a KeyboardEvent the matcher looks at. */
export interface KeyInput {
  code: string
  key: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  repeat: boolean
}

/** The shortcut for a key press, or `null`. Alt only: Ctrl/Meta/Shift combinations are the browser's. */
export function matchShortcut(event: KeyInput): ShortcutAction | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.repeat)
    return null
  return SHORTCUTS.find(s => s.code === event.code)?.action ?? null
}

export function shortcutLabel(action: ShortcutAction): string {
  return SHORTCUTS.find(s => s.action === action)?.label ?? ''
}

/** What an element is, as far as "is the agent typing?" goes. */
export interface TargetInfo {
  tagName: string
  /** `<input type>`, lower case. */
  type?: string
  isContentEditable?: boolean
}

/** Input types that are buttons, not text: a key press there is not typing. */
const NON_TEXT_INPUTS: ReadonlySet<string> = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'])

/** True when keys pressed in `target` are text the agent is typing (never a shortcut). */
export function isTypingTarget(target: TargetInfo | null | undefined): boolean {
  if (!target)
    return false
  if (target.isContentEditable)
    return true
  const tag = target.tagName.toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT')
    return true
  if (tag === 'INPUT')
    return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase())
  return false
}
