import { describe, expect, it } from 'vitest'
import type { KeyInput } from '@/domain/shortcuts'
import { isTypingTarget, matchShortcut, SHORTCUTS, shortcutLabel } from '@/domain/shortcuts'

const key = (code: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  code, key: code.replace('Key', '').toLowerCase(), altKey: true, ctrlKey: false, metaKey: false, shiftKey: false, repeat: false, ...extra,
})

describe('matchShortcut', () => {
  it.each([['KeyM', 'mute'], ['KeyH', 'hold'], ['KeyK', 'keypad'], ['KeyX', 'hangup']])('Alt+%s → %s', (code, action) => {
    expect(matchShortcut(key(code))).toBe(action)
  })

  it('matches the physical key, so a Mac\'s Alt+M ("µ") still mutes', () => {
    expect(matchShortcut(key('KeyM', { key: 'µ' }))).toBe('mute')
  })

  it.each<[string, Partial<KeyInput>]>([
    ['without Alt', { altKey: false }],
    ['with Ctrl', { ctrlKey: true }],
    ['with Meta', { metaKey: true }],
    ['with Shift', { shiftKey: true }],
    ['a held key repeating', { repeat: true }],
  ])('ignores the key %s', (_what, extra) => {
    expect(matchShortcut(key('KeyM', extra))).toBeNull()
  })

  it('ignores other keys and the browsers\' own Alt+D/E/F', () => {
    for (const code of ['KeyA', 'KeyD', 'KeyE', 'KeyF', 'Digit1', 'Enter'])
      expect(matchShortcut(key(code))).toBeNull()
  })

  it('has one distinct key per action and a label for each', () => {
    expect(new Set(SHORTCUTS.map(s => s.code)).size).toBe(SHORTCUTS.length)
    expect(new Set(SHORTCUTS.map(s => s.action)).size).toBe(SHORTCUTS.length)
    for (const s of SHORTCUTS) {
      expect(s.label).toBe(`Alt+${s.code.replace('Key', '')}`)
      expect(shortcutLabel(s.action)).toBe(s.label)
    }
  })
})

describe('isTypingTarget', () => {
  it.each([
    [{ tagName: 'INPUT' }, true],
    [{ tagName: 'input', type: 'tel' }, true],
    [{ tagName: 'INPUT', type: 'password' }, true],
    [{ tagName: 'INPUT', type: 'search' }, true],
    [{ tagName: 'TEXTAREA' }, true],
    [{ tagName: 'SELECT' }, true],
    [{ tagName: 'DIV', isContentEditable: true }, true],
    [{ tagName: 'INPUT', type: 'checkbox' }, false],
    [{ tagName: 'INPUT', type: 'button' }, false],
    [{ tagName: 'INPUT', type: 'Radio' }, false],
    [{ tagName: 'BUTTON' }, false],
    [{ tagName: 'BODY' }, false],
  ])('%j → %s', (target, typing) => {
    expect(isTypingTarget(target)).toBe(typing)
  })

  it('nothing focused is not typing', () => {
    expect(isTypingTarget(null)).toBe(false)
    expect(isTypingTarget(undefined)).toBe(false)
  })
})
