// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FrameChannel } from '@/frames/channel'
import { channelName, createFrameChannel } from '@/frames/channel'
import type { FrameEnvelope } from '@/frames/protocol'
import { FRAME_PROTOCOL_VERSION } from '@/frames/protocol'

// Node's BroadcastChannel delivers between instances of one process, asynchronously, as between frames.
const NAME = channelName('ws://127.0.0.1:8088/ws', 'pbx.test')
const open: Array<{ close: () => void }> = []
function channel(frameId: string, name = NAME): FrameChannel {
  const c = createFrameChannel(name, frameId)
  open.push(c)
  return c
}
function raw(name = NAME): BroadcastChannel {
  const c = new BroadcastChannel(name)
  open.push(c)
  return c
}
afterEach(() => {
  for (const c of open.splice(0))
    c.close()
})

/** The messages `c` receives. */
function inbox(c: FrameChannel): FrameEnvelope[] {
  const messages: FrameEnvelope[] = []
  c.on(message => messages.push(message))
  return messages
}

describe('the frame channel', () => {
  it('names one channel per PBX', () => {
    expect(channelName('wss://a/ws', 'pbx.test')).not.toBe(channelName('wss://b/ws', 'pbx.test'))
    expect(channelName('wss://a/ws', 'one.test')).not.toBe(channelName('wss://a/ws', 'two.test'))
  })

  it('stamps the version and the sender, and delivers to the other frames, not back to the sender', async () => {
    const [a, b, c] = [channel('a'), channel('b'), channel('c')]
    const [inA, inB, inC] = [inbox(a), inbox(b), inbox(c)]
    a.post({ type: 'lease', priority: 2 })
    await vi.waitFor(() => expect(inB).toHaveLength(1))
    await vi.waitFor(() => expect(inC).toHaveLength(1))
    expect(inB[0]).toEqual({ type: 'lease', priority: 2, v: FRAME_PROTOCOL_VERSION, from: 'a' })
    expect(inA).toEqual([])
  })

  it('sends store data wrapped in a Proxy (Vue\'s reactive state), which postMessage alone refuses', async () => {
    const [a, b] = [channel('a'), channel('b')]
    const inB = inbox(b)
    const callee = new Proxy({ objectId: 9101, objectType: 'CONTACT' }, {})
    expect(() => structuredClone(callee)).toThrow()
    a.post({ type: 'command', id: '1', to: 'b', method: 'call', args: ['+15550100', { display: '+1 555-0100', callee }] })
    await vi.waitFor(() => expect(inB).toHaveLength(1))
    expect(inB[0]).toMatchObject({ method: 'call', args: ['+15550100', { display: '+1 555-0100', callee: { objectId: 9101, objectType: 'CONTACT' } }] })
  })

  it('delivers a message with `to` only to that frame', async () => {
    const [a, b, c] = [channel('a'), channel('b'), channel('c')]
    const [inB, inC] = [inbox(b), inbox(c)]
    a.post({ type: 'storage-snapshot', to: 'c', entries: [] })
    a.post({ type: 'bye' })
    await vi.waitFor(() => expect(inB).toHaveLength(1))
    await vi.waitFor(() => expect(inC).toHaveLength(2))
    expect(inB.map(m => m.type)).toEqual(['bye'])
    expect(inC.map(m => m.type)).toEqual(['storage-snapshot', 'bye'])
  })

  it('drops what it cannot read (another version, another app on the name) and goes on', async () => {
    const b = channel('b')
    const inB = inbox(b)
    const other = raw()
    other.postMessage({ v: FRAME_PROTOCOL_VERSION + 1, from: 'newer', type: 'bye' })
    other.postMessage({ hello: 'world' })
    other.postMessage('text')
    other.postMessage({ v: FRAME_PROTOCOL_VERSION, from: 'same-build', type: 'bye' })
    await vi.waitFor(() => expect(inB).toHaveLength(1))
    expect(inB[0]).toMatchObject({ from: 'same-build', type: 'bye' })
  })

  it('a handler that throws is reported and the other handlers still run', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const [a, b] = [channel('a'), channel('b')]
    b.on(() => {
      throw new Error('handler bug')
    })
    const inB = inbox(b)
    a.post({ type: 'bye' })
    await vi.waitFor(() => expect(inB).toHaveLength(1))
    expect(error).toHaveBeenCalledWith('[softphone] a frame message handler threw', expect.any(Error))
  })

  it('a removed handler and a closed channel hear nothing; a closed channel sends nothing', async () => {
    const [a, b, c] = [channel('a'), channel('b'), channel('c')]
    const inC = inbox(c)
    const removed: FrameEnvelope[] = []
    const off = c.on(message => removed.push(message))
    off()
    const inB = inbox(b)
    b.close()
    a.post({ type: 'bye' })
    b.post({ type: 'lease', priority: 1 })
    a.post({ type: 'claim', priority: 1 })
    await vi.waitFor(() => expect(inC).toHaveLength(2))
    expect(inC.map(m => m.from)).toEqual(['a', 'a'])
    expect(inB).toEqual([])
    expect(removed).toEqual([])
  })

  it('frames of another PBX never meet', async () => {
    const a = channel('a', channelName('ws://one/ws', 'pbx.test'))
    const b = channel('b', channelName('ws://two/ws', 'pbx.test'))
    const c = channel('c', channelName('ws://two/ws', 'pbx.test'))
    const [inB, inC] = [inbox(b), inbox(c)]
    a.post({ type: 'bye' })
    b.post({ type: 'bye' })
    await vi.waitFor(() => expect(inC).toHaveLength(1))
    expect(inC[0]!.from).toBe('b')
    expect(inB).toEqual([])
  })
})
