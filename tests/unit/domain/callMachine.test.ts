import { describe, expect, it } from 'vitest'
import { TRANSITIONS, isCallActive, transition } from '@/domain/callMachine'
import type { CallEvent, CallEventType, CallPhase } from '@/domain/callMachine'

const PHASES: CallPhase[] = ['idle', 'calling', 'ringing', 'connected', 'ended', 'incoming']
const EVENTS: CallEventType[] = ['dial', 'progress', 'answered', 'ended', 'completed', 'incoming']

/** Every allowed transition; every pair not listed here must be refused. */
const ALLOWED: [CallPhase, CallEventType, CallPhase][] = [
  ['idle', 'dial', 'calling'],
  ['calling', 'progress', 'ringing'],
  ['calling', 'answered', 'connected'],
  ['calling', 'ended', 'ended'],
  ['ringing', 'progress', 'ringing'],
  ['ringing', 'answered', 'connected'],
  ['ringing', 'ended', 'ended'],
  ['connected', 'ended', 'ended'],
  ['ended', 'completed', 'idle'],
  ['idle', 'incoming', 'incoming'],
  ['incoming', 'answered', 'connected'],
  ['incoming', 'ended', 'ended'],
]

const event = (type: CallEventType): CallEvent => ({ type })

describe('transition', () => {
  it.each(ALLOWED)('%s --%s--> %s', (from, type, to) => {
    expect(transition(from, event(type))).toBe(to)
  })

  const refused = PHASES.flatMap((phase) => EVENTS.map((type) => [phase, type] as const))
    .filter(([phase, type]) => !ALLOWED.some(([p, t]) => p === phase && t === type))

  it('refuses every other pair', () => {
    expect(refused.length).toBe(PHASES.length * EVENTS.length - ALLOWED.length)
  })

  it.each(refused)('%s --%s--> refused', (phase, type) => {
    expect(transition(phase, event(type))).toBeNull()
  })

  it.each<[string, CallPhase, CallEventType]>([
    ['dial while connected', 'connected', 'dial'],
    ['dial during wrap-up', 'ended', 'dial'],
    ['answered while idle', 'idle', 'answered'],
    ['late 180 after the call ended', 'ended', 'progress'],
    ['second ended', 'ended', 'ended'],
    ['completed during a call', 'connected', 'completed'],
  ])('refuses %s', (_name, phase, type) => {
    expect(transition(phase, event(type))).toBeNull()
  })

  it('walks a whole outbound call back to idle', () => {
    const steps: CallEventType[] = ['dial', 'progress', 'progress', 'answered', 'ended', 'completed']
    const phases = steps.reduce<CallPhase[]>((seen, type) => {
      const next = transition(seen[seen.length - 1] ?? 'idle', event(type))
      expect(next, type).not.toBeNull()
      return next === null ? seen : [...seen, next]
    }, ['idle'])
    expect(phases).toEqual(['idle', 'calling', 'ringing', 'ringing', 'connected', 'ended', 'idle'])
  })

  it('walks inbound calls: answered then hung up, or declined/missed while ringing', () => {
    expect(transition('idle', event('incoming'))).toBe('incoming')
    expect(transition('incoming', event('answered'))).toBe('connected')
    expect(transition('incoming', event('ended'))).toBe('ended')
    expect(transition('incoming', event('dial'))).toBeNull()
    expect(transition('connected', event('incoming'))).toBeNull()
    expect(transition('ended', event('incoming'))).toBeNull()
  })

  it('has a row for every phase and only reaches known phases', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...PHASES].sort())
    for (const row of Object.values(TRANSITIONS)) {
      for (const to of Object.values(row)) expect(PHASES).toContain(to)
    }
  })
})

describe('isCallActive', () => {
  it.each<[CallPhase, boolean]>([
    ['idle', false],
    ['calling', true],
    ['ringing', true],
    ['connected', true],
    ['ended', false],
    ['incoming', true],
  ])('%s → %s', (phase, active) => {
    expect(isCallActive(phase)).toBe(active)
  })

  it('agrees with the machine: no dial is possible while a call is active', () => {
    for (const phase of PHASES) {
      if (isCallActive(phase)) expect(transition(phase, event('dial'))).toBeNull()
    }
  })
})
