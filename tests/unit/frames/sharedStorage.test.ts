// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import { shareStorage } from '@/frames/sharedStorage'
import type { AppStorage, Persistence } from '@/storage/types'
import { MemoryStorage } from '../fakes'
import type { Bus } from './bus'
import { createBus } from './bus'

const DRAFT = 'softphone:wrapUpDraft:1001'

let bus: Bus
beforeEach(() => {
  bus = createBus()
})

interface Frame {
  storage: AppStorage
  base: MemoryStorage
  changes: Array<[string, string | null, string | null]>
}

function frame(id: string, base: MemoryStorage): Frame {
  const storage = shareStorage(base, bus.channel(id))
  const changes: Frame['changes'] = []
  storage.onChange!((key, oldValue, newValue) => changes.push([key, oldValue, newValue]))
  return { storage, base, changes }
}

describe.each<Persistence>(['local', 'cookie'])('frames sharing one %s storage', (persistence) => {
  it('a write is followed by the other frames\' onChange with the old and new values, not by the writer\'s', async () => {
    const shared = new MemoryStorage(persistence)
    const [a, b, c] = [frame('a', shared), frame('b', shared), frame('c', shared)]
    a.storage.setItem(DRAFT, '{"notes":"He"}')
    a.storage.setItem(DRAFT, '{"notes":"Hello"}')
    await bus.flush()
    b.storage.removeItem(DRAFT)
    await bus.flush()
    expect(b.changes).toEqual([[DRAFT, null, '{"notes":"He"}'], [DRAFT, '{"notes":"He"}', '{"notes":"Hello"}']])
    expect(c.changes).toEqual([...b.changes, [DRAFT, '{"notes":"Hello"}', null]])
    expect(a.changes).toEqual([[DRAFT, '{"notes":"Hello"}', null]])
    expect(shared.getItem(DRAFT)).toBeNull()
  })

  it('a value written back after it was heard is not told again, even while another renderer still reads an older one', async () => {
    // Each frame's own view of the shared storage (another renderer's localStorage lags behind).
    const [a, b] = [frame('a', new MemoryStorage(persistence)), frame('b', new MemoryStorage(persistence))]
    a.storage.setItem(DRAFT, 'Typed before and a')
    await bus.flush()
    // b's wrap-up follows and writes the value it heard back (its own storage still had nothing).
    b.storage.setItem(DRAFT, 'Typed before and a')
    a.storage.setItem(DRAFT, 'Typed before and af')
    await bus.flush()
    expect(a.changes).toEqual([])
    expect(b.changes.map(([, , value]) => value)).toEqual(['Typed before and a', 'Typed before and af'])
  })

  it('no message when the value did not change (nor for removing what is not there)', async () => {
    const shared = new MemoryStorage(persistence)
    const [a, b] = [frame('a', shared), frame('b', shared)]
    a.storage.setItem(DRAFT, 'x')
    await bus.flush()
    a.storage.setItem(DRAFT, 'x')
    b.storage.setItem(DRAFT, 'x')
    a.storage.removeItem('softphone:never-written')
    await bus.flush()
    expect(bus.posted).toHaveLength(1)
    expect(b.changes).toEqual([[DRAFT, null, 'x']])
    expect(a.changes).toEqual([])
  })

  it('neither asks for nor hands out entries (the storage itself is shared)', async () => {
    const shared = new MemoryStorage(persistence)
    const a = frame('a', shared)
    a.storage.setItem(DRAFT, 'x')
    frame('b', shared)
    await bus.flush()
    expect(bus.posted.map(m => m.type)).toEqual(['storage-set'])
    expect(a.storage.persistence).toBe(persistence)
    expect(a.storage.isDurable(DRAFT)).toBe(true)
  })
})

describe('frames each with memory storage (the browser denies them storage)', () => {
  it('a write lands in every frame\'s memory, with onChange', async () => {
    const [a, b] = [frame('a', new MemoryStorage()), frame('b', new MemoryStorage())]
    a.storage.setItem(DRAFT, 'draft 1')
    await bus.flush()
    expect(b.storage.getItem(DRAFT)).toBe('draft 1')
    expect(b.changes).toEqual([[DRAFT, null, 'draft 1']])
    b.storage.removeItem(DRAFT)
    await bus.flush()
    expect(a.storage.getItem(DRAFT)).toBeNull()
    expect(a.changes).toEqual([[DRAFT, 'draft 1', null]])
    expect(a.storage.isDurable(DRAFT)).toBe(false)
  })

  it('a frame arriving gets the others\' entries once, whoever answers, and not the removed ones', async () => {
    const [a, b] = [frame('a', new MemoryStorage()), frame('b', new MemoryStorage())]
    a.storage.setItem(DRAFT, 'draft 1')
    b.storage.setItem('softphone:lastExtension', '1001')
    a.storage.setItem('softphone:gone', 'x')
    a.storage.removeItem('softphone:gone')
    await bus.flush()
    const c = frame('c', new MemoryStorage())
    await bus.flush()
    expect(c.storage.getItem(DRAFT)).toBe('draft 1')
    expect(c.storage.getItem('softphone:lastExtension')).toBe('1001')
    expect(c.storage.getItem('softphone:gone')).toBeNull()
    expect(c.changes).toHaveLength(2)
    expect(c.changes).toEqual(expect.arrayContaining([[DRAFT, null, 'draft 1'], ['softphone:lastExtension', null, '1001']]))
    expect(bus.posted.filter(m => m.type === 'storage-snapshot' && m.to === 'c')).toHaveLength(2)
    // The newcomer then hands them on to the next one.
    const d = frame('d', new MemoryStorage())
    await bus.flush()
    expect(d.storage.getItem(DRAFT)).toBe('draft 1')
  })

  it('a frame with nothing to hand out stays silent', async () => {
    frame('a', new MemoryStorage())
    frame('b', new MemoryStorage())
    await bus.flush()
    expect(bus.posted.map(m => m.type)).toEqual(['storage-request', 'storage-request'])
    expect(bus.unreadable).toEqual([])
  })
})
