// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createFrameKeys } from '@/frames/sealedBox'

const SECRET = '{"user":"1001","password":"s3cret-Pässword"}'

/** `text` (base64) with one bit of its first byte flipped. */
function flipFirstBit(text: string): string {
  const bytes = Uint8Array.from(atob(text), c => c.charCodeAt(0))
  bytes[0]! ^= 1
  return btoa(String.fromCharCode(...bytes))
}

describe('sealed boxes between frames', () => {
  it('opens for the frame it was sealed for, with the text as it was (unicode included)', async () => {
    const [sender, recipient] = await Promise.all([createFrameKeys(), createFrameKeys()])
    const box = await sender.seal(recipient.publicKey, SECRET)
    expect(await recipient.open(box)).toBe(SECRET)
  })

  it('never carries the text in clear, and seals the same text differently each time', async () => {
    const [sender, recipient] = await Promise.all([createFrameKeys(), createFrameKeys()])
    const one = await sender.seal(recipient.publicKey, SECRET)
    const two = await sender.seal(recipient.publicKey, SECRET)
    expect(JSON.stringify(one)).not.toContain('s3cret')
    expect(atob(one.data)).not.toContain('s3cret')
    expect(one.iv).not.toBe(two.iv)
    expect(one.data).not.toBe(two.data)
    expect(one.publicKey).toEqual(sender.publicKey)
  })

  it('does not open for a third frame, nor for the sender itself', async () => {
    const [sender, recipient, other] = await Promise.all([createFrameKeys(), createFrameKeys(), createFrameKeys()])
    const box = await sender.seal(recipient.publicKey, SECRET)
    await expect(other.open(box)).rejects.toThrow()
    await expect(sender.open(box)).rejects.toThrow()
  })

  it('rejects a box whose data, iv or sender key was tampered with', async () => {
    const [sender, recipient, other] = await Promise.all([createFrameKeys(), createFrameKeys(), createFrameKeys()])
    const box = await sender.seal(recipient.publicKey, SECRET)
    await expect(recipient.open({ ...box, data: flipFirstBit(box.data) })).rejects.toThrow()
    await expect(recipient.open({ ...box, data: box.data.slice(0, 8) })).rejects.toThrow()
    await expect(recipient.open({ ...box, iv: flipFirstBit(box.iv) })).rejects.toThrow()
    await expect(recipient.open({ ...box, publicKey: other.publicKey })).rejects.toThrow()
    expect(await recipient.open(box)).toBe(SECRET)
  })

  it('publishes only a public key (no private part)', async () => {
    const keys = await createFrameKeys()
    expect(keys.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(keys.publicKey).not.toHaveProperty('d')
  })
})
