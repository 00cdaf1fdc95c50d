/**
 * Credentials travel between our frames only sealed for the one frame meant to read them: the
 * channel is a broadcast, so the password is encrypted with a key agreed between the sender and
 * that frame (ECDH P-256 → AES-GCM 256, WebCrypto; NIST SP 800-56A). Every frame makes a fresh key
 * pair at load; nothing is ever stored.
 */

/** An encrypted message: the sender's public key, the AES-GCM IV and the ciphertext (base64). */
export interface SealedBox {
  publicKey: JsonWebKey
  iv: string
  data: string
}

export interface FrameKeys {
  publicKey: JsonWebKey
  /** Encrypt `text` so that only the owner of `recipient` (a public key) can read it. */
  seal: (recipient: JsonWebKey, text: string) => Promise<SealedBox>
  /** Decrypt a box sealed for this frame; rejects when it was not (or was tampered with). */
  open: (box: SealedBox) => Promise<string>
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

const toBase64 = (bytes: ArrayBuffer | Uint8Array): string => btoa(String.fromCharCode(...new Uint8Array(bytes)))
const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(text), c => c.charCodeAt(0))

export async function createFrameKeys(subtle: SubtleCrypto = crypto.subtle): Promise<FrameKeys> {
  const pair = await subtle.generateKey(ECDH, false, ['deriveKey'])
  const publicKey = await subtle.exportKey('jwk', pair.publicKey)
  const aesKey = async (other: JsonWebKey, usage: KeyUsage): Promise<CryptoKey> => {
    const theirs = await subtle.importKey('jwk', other, ECDH, false, [])
    return subtle.deriveKey({ name: 'ECDH', public: theirs }, pair.privateKey, { name: 'AES-GCM', length: 256 }, false, [usage])
  }
  return {
    publicKey,
    async seal(recipient, text) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const data = await subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(recipient, 'encrypt'), new TextEncoder().encode(text))
      return { publicKey, iv: toBase64(iv), data: toBase64(data) }
    },
    async open(box) {
      const plain = await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(box.iv) }, await aesKey(box.publicKey, 'decrypt'), fromBase64(box.data))
      return new TextDecoder().decode(plain)
    },
  }
}
