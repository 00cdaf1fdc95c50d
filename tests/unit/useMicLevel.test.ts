import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useMicLevel } from '@/composables/useMicLevel'

function fakeStream() {
  const track = { stop: vi.fn() }
  return { track, stream: { getTracks: () => [track] } as unknown as MediaStream }
}

/** getUserMedia that resolves only when the test says so (the agent is looking at the permission prompt). */
function pendingGetUserMedia() {
  const prompts: ((stream: MediaStream) => void)[] = []
  const getUserMedia = vi.fn(() => new Promise<MediaStream>((r) => {
    prompts.push(r)
  }))
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } })
  vi.stubGlobal('AudioContext', class {})
  /** Grants the n-th permission prompt (0-based). */
  return { getUserMedia, open: (n: number, stream: MediaStream) => prompts[n]!(stream) }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('useMicLevel', () => {
  it('closes a microphone that opens after the component went away', async () => {
    const gum = pendingGetUserMedia()
    const scope = effectScope()
    const mic = scope.run(() => useMicLevel(() => ''))!
    const starting = mic.start()
    scope.stop()
    const { track, stream } = fakeStream()
    gum.open(0, stream)
    await starting
    expect(track.stop).toHaveBeenCalledOnce()
    expect(mic.active.value).toBe(false)
  })

  it('closes the first microphone when the test is started twice while the prompt is up', async () => {
    const gum = pendingGetUserMedia()
    const scope = effectScope()
    const mic = scope.run(() => useMicLevel(() => ''))!
    const first = mic.start()
    const second = mic.start()
    const a = fakeStream()
    gum.open(0, a.stream)
    await first
    expect(a.track.stop).toHaveBeenCalledOnce()
    expect(gum.getUserMedia).toHaveBeenCalledTimes(2)
    scope.stop()
    const b = fakeStream()
    gum.open(1, b.stream)
    await second
    expect(b.track.stop).toHaveBeenCalledOnce()
  })
})
