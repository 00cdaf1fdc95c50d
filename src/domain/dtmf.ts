/**
 * DTMF keys as the agent presses them in a call: which keys are valid, what a
 * keyboard key means on the keypad, and the tone pair a key makes (for the
 * local key tone the agent hears). Pure: no Vue, no sip.js.
 */

/** The sixteen DTMF keys (RFC 4733 events 0–15). */
export const DTMF_KEYS = ['1', '2', '3', 'A', '4', '5', '6', 'B', '7', '8', '9', 'C', '*', '0', '#', 'D'] as const
export type DtmfKey = typeof DTMF_KEYS[number]

const KEY_SET: ReadonlySet<string> = new Set(DTMF_KEYS)

/** One valid DTMF key (`0-9`, `A-D` upper case, `*`, `#`). */
export function isDtmfKey(value: unknown): value is DtmfKey {
  return typeof value === 'string' && KEY_SET.has(value)
}

/** The longest string of tones sent in one go. */
export const MAX_DTMF_TONES = 32

/**
 * A tone string to send: `0-9`, `A-D` (either case), `*`, `#`, 1–32 of them.
 * Returns the upper-cased string or `null` when anything else is in it.
 */
export function normalizeDtmf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_DTMF_TONES)
    return null
  const upper = value.toUpperCase()
  for (const ch of upper) {
    if (!KEY_SET.has(ch))
      return null
  }
  return upper
}

/**
 * The keypad key for a keyboard key (`KeyboardEvent.key`), or `null`. Digits, `*`
 * and `#` only: letters are shortcuts, and A–D are not on the agent's keypad.
 */
export function dtmfKeyFromKeyboard(key: string): DtmfKey | null {
  return /^[0-9*#]$/.test(key) ? key as DtmfKey : null
}

const ROWS = [697, 770, 852, 941] as const
const COLUMNS = [1209, 1336, 1477, 1633] as const

/** The low and high frequency (Hz) of a key's tone, per ITU-T Q.23. */
export function dtmfFrequencies(key: DtmfKey): readonly [low: number, high: number] {
  const index = DTMF_KEYS.indexOf(key)
  return [ROWS[Math.floor(index / 4)]!, COLUMNS[index % 4]!]
}
