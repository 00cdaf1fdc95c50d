/**
 * Where the agent hears the far end: the one <audio> element, fed with the remote tracks of
 * the call, or of the consultation call while the agent talks to a transfer target.
 */
import type { AudioOwner, PhoneContext } from './phoneContext'

export interface RemoteAudio {
  /** Play `owner`'s remote audio (no-op without element or tracks, or while a consultation has the element). */
  attach: (owner: AudioOwner) => void
  /** Stop playing `owner`'s audio. */
  detach: (owner: AudioOwner) => void
  /** `SipPhone.setRemoteAudioElement`. */
  setElement: (element: HTMLAudioElement | null) => void
}

export function createRemoteAudio(ctx: PhoneContext): RemoteAudio {
  function attach(call: AudioOwner): void {
    const element = ctx.audioElement
    if (!element || !call.sdh || call.ended || typeof MediaStream === 'undefined')
      return
    // While the agent talks to the transfer target, the element is the consultation's.
    const consult = ctx.consult
    if (consult && !consult.ended && call !== consult)
      return
    const tracks = call.sdh.remoteAudioTracks()
    if (tracks.length === 0)
      return
    const ids = tracks.map(track => track.id).join(',')
    if (call.attachedStream && element.srcObject === call.attachedStream && call.attachedTrackIds === ids)
      return
    try {
      const stream = new MediaStream(tracks)
      element.srcObject = stream
      call.attachedStream = stream
      call.attachedTrackIds = ids
      playQuietly(element)
    }
    catch (error) {
      // A broken element must not break the call: the agent just hears nothing.
      ctx.log.error('Could not play the remote audio', error)
    }
  }

  function detach(call: AudioOwner): void {
    const element = ctx.audioElement
    if (element && call.attachedStream && element.srcObject === call.attachedStream)
      element.srcObject = null
    call.attachedStream = undefined
    call.attachedTrackIds = undefined
  }

  function setElement(element: HTMLAudioElement | null): void {
    const call = ctx.current
    if (call)
      detach(call)
    ctx.audioElement = element
    if (call && (call.answered || call.earlyMedia))
      attach(call)
  }

  return { attach, detach, setElement }
}

function playQuietly(element: HTMLAudioElement): void {
  try {
    const playing = element.play() as Promise<void> | undefined
    playing?.catch(() => { /* autoplay refused: the agent's next click resumes it */ })
  }
  catch {
    // play() is not implemented (tests) or threw synchronously: nothing to do.
  }
}
