/**
 * The agent's microphone: remembered for the next calls and, during a call (and its
 * consultation), swapped in at once with mute/hold kept.
 */
import type { ObservedSdh } from './media'
import { describeMediaError } from './media'
import type { PhoneContext } from './phoneContext'
import { errorText } from './sipText'
import { CallError } from './types'
import { t } from '@/i18n'

export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>

export function createInputDeviceSwitch(ctx: PhoneContext, getUserMedia: GetUserMedia): (deviceId: string | null) => Promise<void> {
  return async function setInputDevice(deviceId: string | null): Promise<void> {
    ctx.inputDeviceId = deviceId
    const { current, consult } = ctx
    const owners: Array<{ sdh?: ObservedSdh, enabled: boolean }> = []
    if (current && !current.ended && current.sdh)
      owners.push({ sdh: current.sdh, enabled: !current.muted && !current.held })
    if (consult && !consult.ended && consult.sdh)
      owners.push({ sdh: consult.sdh, enabled: !consult.main.muted })
    for (const owner of owners) {
      let stream: MediaStream
      try {
        stream = await getUserMedia({ audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false })
      }
      catch (error) {
        throw new CallError('media', describeMediaError(error))
      }
      try {
        await owner.sdh!.replaceMicrophone(stream)
      }
      catch (error) {
        stream.getTracks().forEach(track => track.stop())
        throw new CallError('media', t('sip.micNotSwitched', { why: errorText(error) }))
      }
      owner.sdh!.enableSenders(owner.enabled)
    }
  }
}
