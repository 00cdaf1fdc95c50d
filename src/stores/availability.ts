/**
 * Whether the agent takes inbound calls: Available / Do not disturb, told to HubSpot
 * (`userAvailable` / `userUnavailable`) and to the SIP adapter, which answers INVITEs
 * 480 Temporarily Unavailable while unavailable (HubSpot then hears nothing about them).
 *
 * HubSpot's `widget` iframeLocation is the record-page widget of apps WITHOUT inbound
 * calling (see the SDK doc's onReady table): there the softphone refuses inbound calls
 * the same way and offers no availability choice.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { usePorts } from '@/ports'
import { useWidgetStore } from '@/stores/widget'

export const useAvailabilityStore = defineStore('availability', () => {
  const { sip, hubspot } = usePorts()
  const widget = useWidgetStore()

  /** The agent's choice. */
  const available = ref(true)
  /** HubSpot hosts us where it handles inbound calls ('remote', 'window', or an older host that does not say). */
  const inboundSupported = computed(() => widget.info.iframeLocation !== 'widget')
  /** Incoming calls ring only when both hold. */
  const ringing = computed(() => available.value && inboundSupported.value)

  // Chosen in another of the agent's frames (src/frames/): this one and its HubSpot follow.
  sip.on('availability', ({ available: value }) => {
    if (inboundSupported.value && available.value !== value)
      setAvailable(value)
  })
  // The adapter starts available; it hears every change.
  watch(ringing, value => sip.setAvailable(value), { flush: 'sync' })

  function setAvailable(value: boolean): void {
    if (available.value === value)
      return
    available.value = value
    if (value)
      hubspot.userAvailable()
    else
      hubspot.userUnavailable()
  }

  return { available, inboundSupported, ringing, setAvailable }
})
